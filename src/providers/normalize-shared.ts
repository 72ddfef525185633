/** Pure helpers every provider's normalize.ts uses to reach the CONTRACT §4 shape. */
import { z } from 'zod';
import type { Customer, CustomerExtras, DetailLevel } from '../customer.js';
import { cleanText } from './clean-text.js';

/** A provider's customer object as parsed: only `id` is load-bearing, the rest is read field by field. */
export type RawCustomer = { id: string } & Record<string, unknown>;

/**
 * Checks the id and passes the object through as JSON.parse built it: z.looseObject would copy
 * it and silently drop a `__proto__` key, which `full` details must keep (CONTRACT §4).
 */
export const rawCustomerSchema = z.custom<RawCustomer>(
  (value) =>
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as { id?: unknown }).id === 'string' &&
    (value as { id: string }).id.length > 0,
  { message: 'a customer object with a non-empty string id' },
);

/** How a provider spells the timestamp fields it sent (Quentli: createdAt, updatedAt). */
export type TimestampNames = { created_at: string; updated_at: string };
const SNAKE_NAMES: TimestampNames = { created_at: 'created_at', updated_at: 'updated_at' };

/**
 * The §4 shape from a provider's mapped fields: timestamps in UTC (see `instant`), and
 * `updated_at`, address and details only when asked for "full" (only then are they built). A
 * timestamp whose conversion dropped something (an offset, an unreadable value) keeps its raw
 * text in `full` details under its snake_case name, or under the provider's spelling when
 * details already hold a field of that name, so `full` loses nothing.
 */
export function withDetail(
  fields: Customer,
  detail: DetailLevel | undefined,
  extras: () => CustomerExtras,
  rawNames: TimestampNames = SNAKE_NAMES,
): Customer {
  const { updated_at: updatedAt, ...rest } = fields;
  const created = instant(fields.created_at);
  const summary: Customer = { ...rest, created_at: created.value };
  if (detail !== 'full') return summary;
  const updated = instant(updatedAt ?? null);
  const { address, details } = extras();
  const kept: Record<string, unknown> = {};
  const keep = (key: keyof TimestampNames, raw: unknown) => {
    kept[Object.hasOwn(details, key) ? rawNames[key] : key] = raw;
  };
  if (created.lossy) keep('created_at', fields.created_at);
  if (updated.lossy) keep('updated_at', updatedAt);
  return { ...summary, updated_at: updated.value, address, details: { ...kept, ...details } };
}

/**
 * A provider string field: anything but a non-blank string becomes null. Numbers, arrays and
 * objects (even `{"toString":1}`, which String() would throw on) are the provider breaking its
 * own schema; remainingDetails keeps their raw value in `full` details (see `textKeys`).
 */
export function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const clean = cleanText(value);
  return clean.trim() === '' ? null : clean;
}

/** A provider's row count when it is a usable one (null, "230", -1, 1.5, 1e300 are not): else null. */
export function countOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** How deep upstream data is copied into a result; below it, one TOO_DEEP marker per branch. */
export const MAX_DATA_DEPTH = 32;
export const TOO_DEEP = '[too deep]';

/**
 * Sets `key` as an own data property. Plain assignment of `__proto__` would replace the object's
 * prototype instead (and lose the key): upstream keys are data, never prototypes (CONTRACT §4).
 */
export function setData(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = value;
}

/**
 * A copy of parsed upstream JSON that is safe to put in a result: a `__proto__` key stays an
 * ordinary key (see setData); nesting past MAX_DATA_DEPTH is replaced by TOO_DEEP, so JSON.stringify
 * cannot overflow the stack on a hostile body (JSON.parse accepts far deeper input than it).
 */
export function plainData(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DATA_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => plainData(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value))
    setCleanKey(copy, key, plainData(entry, depth + 1));
  return copy;
}

/** A metadata map with every value as a string (nested values as bounded JSON); null/absent → {}. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined || entry === null) continue;
    setCleanKey(
      out,
      key,
      typeof entry === 'string' ? cleanText(entry) : JSON.stringify(plainData(entry, 1)),
    );
  }
  return out;
}

/**
 * setData under the key as cleanText leaves it (keys are upstream text too). A key whose cleaned
 * form is already taken is dropped, and a key that needed no cleaning always takes its place: a
 * hostile twin (`email` + U+200B beside `email`) can never replace the real field.
 */
function setCleanKey(target: Record<string, unknown>, key: string, value: unknown): void {
  const clean = cleanText(key);
  if (clean !== key && Object.hasOwn(target, clean)) return;
  setData(target, clean, value);
}

/** An upstream id as shown to the model (see cleanText); ids of real customers are unchanged. */
export function cleanId(id: string): string {
  return cleanText(id);
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
 * §4): the provider's field names in snake_case, values as sent (through plainData). Nested
 * values are copied, since maps such as metadata hold the customer's own keys; a name that would
 * collide with another field keeps its original spelling, so nothing is lost. A mapped `textKeys`
 * field that held something other than a string (so it became null) is kept here too.
 */
export function remainingDetails(
  raw: Record<string, unknown>,
  mappedKeys: readonly string[],
  textKeys: readonly string[] = [],
): Record<string, unknown> {
  const mapped = new Set(mappedKeys);
  const texts = new Set(textKeys);
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const misfit = texts.has(key) && value !== null && typeof value !== 'string';
    if (mapped.has(key) && !misfit) continue;
    const name = snakeCase(key);
    setCleanKey(rest, name !== key && Object.hasOwn(raw, name) ? key : name, plainData(value, 1));
  }
  return rest;
}

/** RFC 3339 (also `t`, a space, `+hh`/`+hhmm` offsets, as Postgres prints them); the fraction kept as digits. */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)$/;

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
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  check.setUTCHours(hour, minute, second, 0);
  const local = check.getTime();
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
