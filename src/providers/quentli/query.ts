/** `filter` / `orderBy` wire encoding (providers/quentli.md §9.1) with the qs limits checked first. */
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
export async function listQueryString({ filter, orderBy, skip, take }: ListQuery): Promise<string> {
  // The limits first: a refused query never waits for the encoder.
  if (filter) checkQsLimits(filter, 'filter', 0);
  if (orderBy) checkQsLimits(orderBy, 'order_by', 0);
  const { stringify } = await loadQs();
  const encode = (value: Record<string, unknown>) => stringify(value, { encodeValuesOnly: true });
  const parts: string[] = [];
  const filterText = filter ? encode(filter) : '';
  if (filterText) parts.push(`filter=${encodeURIComponent(filterText)}`);
  const orderText = orderBy ? encode(orderBy) : '';
  if (orderText) parts.push(`orderBy=${encodeURIComponent(orderText)}`);
  if (skip > 0) parts.push(`skip=${skip}`);
  parts.push(`take=${take}`);
  return parts.join('&');
}

let qsModule: Promise<typeof import('qs')> | undefined;

/**
 * qs is loaded with the first list call, not at start: it pulls in node:util (its inspector) and
 * ~50 KB of code that `initialize`, `server/discover` and `tools/list` never need (cold start).
 */
function loadQs(): Promise<typeof import('qs')> {
  qsModule ??= import('qs').then((module) => module.default ?? module);
  return qsModule;
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
