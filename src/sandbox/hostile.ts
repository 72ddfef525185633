/**
 * Hostile upstream data for the tests (CONTRACT §5): fields of the wrong type, nesting deeper than
 * JSON.stringify can handle, `__proto__` keys. Built as JSON text, since a value nested 10,000
 * levels cannot be serialized and `__proto__` would not survive an object literal. Inject the
 * result with `emulator.inject({ respond: jsonText(…) })` to override what a route answers.
 */
import type { EmulatorResponse } from './emulator.js';

/** `{"a":{"a":…1…}}`, `levels` objects deep. */
export function nestedJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** One JSON object from raw JSON member texts, in order (duplicate or `__proto__` keys allowed). */
export function objectJson(members: [key: string, rawJson: string][]): string {
  return `{${members.map(([key, raw]) => `${JSON.stringify(key)}:${raw}`).join(',')}}`;
}

/** A 200 answer with this JSON text as its body. */
export function jsonText(text: string, status = 200): EmulatorResponse {
  return { status, text, contentType: 'application/json; charset=utf-8' };
}
