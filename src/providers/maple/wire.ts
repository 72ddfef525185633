/** What Maple Billing sends back (providers/maple.md §4, §6): its find page and its error body. */
import { z } from 'zod';
import { countOrNull, rawCustomerSchema, text } from '../normalize-shared.js';
import { TOTAL_FIELD } from './assumptions.js';

export const findResponseSchema = z.looseObject({
  results: z.array(rawCustomerSchema),
  pagination: z.looseObject({ from_key: z.unknown().optional() }).nullish(),
});
export type FindResponse = z.infer<typeof findResponseSchema>;

/** The count under `include_meta`, when it is a usable number. */
export function reportedTotal(response: FindResponse): number | null {
  return countOrNull(
    (response.pagination as Record<string, unknown> | null | undefined)?.[TOTAL_FIELD],
  );
}

/** Maple's error body (§4): message, plus the validation errors that say which field was wrong. */
export function errorMessage(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return undefined;
  const { error_message: message, validation_errors: problems } = body as Record<string, unknown>;
  if (!Array.isArray(problems) || problems.length === 0) return message;
  const listed = problems.slice(0, 3).map(describeProblem).join('; ');
  return `${typeof message === 'string' ? message : 'Validation failed'} (${listed})`;
}

function describeProblem(problem: unknown): string {
  if (problem === null || typeof problem !== 'object') return '?';
  const { field, message } = problem as Record<string, unknown>;
  return [text(field), text(message)].filter((part) => part !== null).join(': ') || '?';
}
