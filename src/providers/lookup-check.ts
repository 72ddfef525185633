/**
 * Every lookup checks that the record it got is the one asked for (CONTRACT §3.1, §5): a
 * provider that ignores a filter, or a route that answers for something else, must never put
 * another customer in front of the model.
 *
 * - A filtered list or search whose rows do not match: `not_found` (the filter found nothing
 *   usable; the provider said nothing wrong about the customer asked for).
 * - A route addressed by the value itself (GET …/customers/{id}) answering with another record:
 *   `upstream_invalid_response`, since the provider contradicts its own API.
 */
import { ToolError } from '../errors.js';
import type { RawCustomer } from './normalize-shared.js';

/** The first row whose `field` is exactly `wanted`. */
export function matchingRow<T extends RawCustomer>(
  rows: readonly T[] | null | undefined,
  field: string,
  wanted: string,
): T | undefined {
  return rows?.find((row) => row[field] === wanted);
}

/** `raw` when its `field` is exactly `wanted`, else the provider contradicted its own route. */
export function sameRecord<T extends RawCustomer>(
  raw: T,
  field: string,
  wanted: string,
  who: { providerId: string; displayName: string; asked: 'id' | 'external_id' },
): T {
  if (raw[field] === wanted) return raw;
  throw new ToolError(
    'upstream_invalid_response',
    `${who.displayName} answered the lookup of ${who.asked} ${JSON.stringify(wanted)} with a different customer, so the answer was not used. Try again; if it persists, find the customer with ${who.providerId}_list_customers.`,
    { provider: who.providerId, httpStatus: 200, retryable: false },
  );
}
