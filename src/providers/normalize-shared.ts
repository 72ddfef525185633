/** Pure helpers every provider's normalize.ts uses to reach the CONTRACT §4 shape. */
import type { Customer, CustomerExtras, DetailLevel } from '../customer.js';

/** The summary, plus address and details when asked for "full" (only then are they built). */
export function withDetail(
  summary: Customer,
  detail: DetailLevel | undefined,
  extras: () => CustomerExtras,
): Customer {
  return detail === 'full' ? { ...summary, ...extras() } : summary;
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
