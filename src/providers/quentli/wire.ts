/** What Quentli sends back (providers/quentli.md §5, §10): customer rows and its error body. */
import { z } from 'zod';
import { rawCustomerSchema } from '../normalize-shared.js';

export { rawCustomerSchema };

export const listSchema = z.array(rawCustomerSchema);

/** [C] §10: UserError `{error:{message}}` and ValidationError `{error:{message, issues}}`. */
export function errorMessage(body: unknown): unknown {
  return (body as { error?: { message?: unknown } } | null)?.error?.message;
}
