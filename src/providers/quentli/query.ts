/** `filter` / `orderBy` wire encoding (providers/quentli.md §9.1) with the qs limits checked first. */
import qs from 'qs';
import { invalidArgument } from '../../errors.js';
import { QS_MAX_ARRAY, QS_MAX_DEPTH } from './assumptions.js';

export interface ListQuery {
  filter?: Record<string, unknown>;
  orderBy?: Record<string, unknown>;
  skip: number;
  take: number;
}

/**
 * `qs.stringify(obj, {encodeValuesOnly: true})`, then encoded once more as an ordinary query
 * value. encodeURIComponent rather than URLSearchParams: the qs output holds only
 * `A-Za-z0-9-._~%[]=&`, which both encode the same way except `~` (kept raw here, as RFC 3986
 * allows); both decode identically. Skip 0 is Quentli's default and is left out (§7.4 example).
 */
export function listQueryString({ filter, orderBy, skip, take }: ListQuery): string {
  const parts: string[] = [];
  const filterText = filter ? encodeChecked(filter, 'filter') : '';
  if (filterText) parts.push(`filter=${encodeURIComponent(filterText)}`);
  const orderText = orderBy ? encodeChecked(orderBy, 'order_by') : '';
  if (orderText) parts.push(`orderBy=${encodeURIComponent(orderText)}`);
  if (skip > 0) parts.push(`skip=${skip}`);
  parts.push(`take=${take}`);
  return parts.join('&');
}

function encodeChecked(value: Record<string, unknown>, argument: string): string {
  checkQsLimits(value, argument, 0);
  return qs.stringify(value, { encodeValuesOnly: true });
}

/**
 * Quentli decodes with default qs.parse: a longer list turns into an object and a deeper key
 * collapses into a literal, so the server would see a different filter. Refuse before sending.
 */
function checkQsLimits(value: unknown, argument: string, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > QS_MAX_DEPTH) {
    throw invalidArgument(
      `${argument}: nested too deeply for Quentli (at most ${QS_MAX_DEPTH} levels); use fewer combined filters.`,
      'quentli',
    );
  }
  if (Array.isArray(value) && value.length > QS_MAX_ARRAY) {
    throw invalidArgument(
      `${argument}: a list has ${value.length} items; Quentli accepts at most ${QS_MAX_ARRAY}. Split the query.`,
      'quentli',
    );
  }
  for (const child of Object.values(value)) checkQsLimits(child, argument, depth + 1);
}
