/** Pure helpers every provider's normalize.ts uses to reach the CONTRACT §4 shape. */
import type { Customer, CustomerExtras, DetailLevel } from '../customer.js';

/**
 * The §4 shape from a provider's mapped fields: timestamps in UTC (see `instant`), and
 * `updated_at`, address and details only when asked for "full" (only then are they built). A
 * timestamp whose conversion dropped something (an offset, an unreadable value) keeps its raw
 * text in `full` details under its snake_case name, so `full` loses nothing.
 */
export function withDetail(
  fields: Customer,
  detail: DetailLevel | undefined,
  extras: () => CustomerExtras,
): Customer {
  const { updated_at: updatedAt, ...rest } = fields;
  const created = instant(fields.created_at);
  const summary: Customer = { ...rest, created_at: created.value };
  if (detail !== 'full') return summary;
  const updated = instant(updatedAt ?? null);
  const { address, details } = extras();
  const kept: Record<string, unknown> = {};
  if (created.lossy) kept.created_at = fields.created_at;
  if (updated.lossy) kept.updated_at = updatedAt;
  return { ...summary, updated_at: updated.value, address, details: { ...kept, ...details } };
}

/** Missing, null and empty (or blank) strings become null; other values pass as strings. */
export function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const str = typeof value === 'string' ? value : String(value);
  return str.trim() === '' ? null : str;
}

/** A metadata map with every value as a string; null/absent → {}. */
export function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined || entry === null) continue;
    out[key] = typeof entry === 'string' ? entry : JSON.stringify(entry);
  }
  return out;
}

export function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

/**
 * Everything in `raw` not already mapped to a top-level Customer key, for `details` (CONTRACT
 * §4): the provider's field names in snake_case, values as sent. Nested values are copied
 * verbatim, since maps such as metadata hold the customer's own keys; a name that would collide
 * with another field keeps its original spelling, so nothing is lost.
 */
export function remainingDetails(
  raw: Record<string, unknown>,
  mappedKeys: readonly string[],
): Record<string, unknown> {
  const mapped = new Set(mappedKeys);
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (mapped.has(key)) continue;
    const name = snakeCase(key);
    rest[name !== key && name in raw ? key : name] = value;
  }
  return rest;
}

/** RFC 3339 (also `t`, a space, `+hh`/`+hhmm` offsets, as Postgres prints them); the fraction kept as digits. */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)$/;

/**
 * A provider timestamp as RFC 3339 in UTC (CONTRACT §4): `2025-03-26T09:04:45Z`, a fraction only
 * when it is not zero (its digits kept, e.g. Flexprice's microseconds, never rounded through
 * Date), an offset converted to the same instant in `Z`. A value that is not such a timestamp
 * (no zone, an impossible date, a leap second) becomes null: the summary promises a comparable
 * instant or nothing. `lossy` says the raw text held more than the result (an offset, or the
 * unreadable value itself), so `full` keeps it.
 */
export function instant(value: string | null): { value: string | null; lossy: boolean } {
  if (value === null) return { value: null, lossy: false };
  const match = TIMESTAMP.exec(value);
  if (!match) return { value: null, lossy: true };
  const [, y, mo, d, h, mi, s, fraction = '', zulu, sign, oh = '00', om = '00'] = match;
  const parts = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [year, month, day, hour, minute, second] = parts;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  const offsetMinutes = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    Number(oh) > 23 ||
    Number(om) > 59
  )
    return { value: null, lossy: true };
  const utc = new Date(local - offsetMinutes * 60_000);
  if (utc.getUTCFullYear() < 0 || utc.getUTCFullYear() > 9999) return { value: null, lossy: true };
  const digits = fraction.replace(/0+$/, '');
  const text = `${utc.toISOString().slice(0, 19)}${digits ? `.${digits}` : ''}Z`;
  return { value: text, lossy: offsetMinutes !== 0 };
}
