/**
 * What Flexprice sends back, parsed tolerantly: [A] §12 the hosted build is unknown, so fields
 * may be missing, null or extra (older builds' parent_customer_id), and errors come in several shapes.
 */
import { z } from 'zod';
import { countOrNull, type RawCustomer, rawCustomerSchema } from '../normalize-shared.js';

/** Only `id` is required: everything else is normalized field by field, whatever its type. */
export { type RawCustomer, rawCustomerSchema };

export const listResponseSchema = z.looseObject({
  // [C] §5.4 always an array; a Go nil slice would marshal as null, so null is read as empty.
  items: z.array(rawCustomerSchema).nullable(),
  // total is read by reportedTotal: a non-count there is "unknown", never a failed page.
  pagination: z.looseObject({ total: z.unknown().optional() }).nullable().optional(),
});

/** `pagination.total` when it is a usable count, else unknown (null): never a failed page. */
export function reportedTotal(pagination: { total?: unknown } | null | undefined): number | null {
  return countOrNull(pagination?.total);
}

function field(body: unknown, key: string): unknown {
  return body !== null && typeof body === 'object'
    ? (body as Record<string, unknown>)[key]
    : undefined;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * The provider's own words from any error body it is known to send (§2, §8.1, §8.2):
 * `{code, message, details}`, `{success:false, error:{message, details}}`,
 * `{"error":"Unauthorized"}`, `{"error":"Access denied","message":"…"}`, `{"message":"…"}`.
 * Anything else yields undefined, so no raw body ever reaches a message.
 */
export function flexpriceErrorMessage(body: unknown): string | undefined {
  const nested = field(body, 'error');
  const legacy = nested !== null && typeof nested === 'object';
  const source = legacy ? nested : body;
  const parts = [legacy ? undefined : str(nested), str(field(source, 'message'))].filter(Boolean);
  if (parts.length === 0) return undefined;
  return `${parts.join(': ')}${detailText(field(source, 'details'))}`;
}

/** `details` like {"limit":"must be between 1 and 1000"} say which input was wrong; short ones are kept. */
function detailText(details: unknown): string {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return '';
  const pairs = Object.entries(details)
    .filter(([, value]) => typeof value === 'string' && value.length <= 80)
    .slice(0, 3)
    .map(([key, value]) => `${key}: ${value}`);
  return pairs.length === 0 ? '' : ` (${pairs.join('; ')})`;
}
