/** Short, stable fingerprints of JSON-like values: the same data in any key order gives the same one. */
import { createHash } from 'node:crypto';

/** 16 base64url characters of SHA-256: plenty to tell queries apart, short enough for a cursor. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/** The digest of `value`'s canonical JSON: keys sorted, undefined members left out. */
export function fingerprint(value: unknown): string {
  return digest(stableStringify(value));
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableStringify(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
