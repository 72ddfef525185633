/** Flexprice's error bodies (providers/flexprice.md §2, §3, §8), in the shape the switch selects. */
import type { EmulatorResponse } from '../emulator.js';
import type { FlexpriceSwitches } from './records.js';

const STATUS = {
  validation_error: 400,
  not_found: 404,
  too_many_requests: 429,
  database_error: 500,
} as const;

export type ApiErrorCode = keyof typeof STATUS;

/** The internal text the legacy shape leaked next to the message (§8.2). */
const LEGACY_INTERNAL = {
  validation_error: 'validation failed',
  not_found: 'resource not found',
  too_many_requests: 'too many requests',
  database_error: 'database operation failed',
} as const;

/** §8.1 `{code, message, http_status_code, details?}` or §8.2 `{success:false, error:{…}}`. */
export function apiError(
  switches: FlexpriceSwitches,
  code: ApiErrorCode,
  message: string,
  details?: Record<string, string>,
): EmulatorResponse {
  const status = STATUS[code];
  const withDetails = details ? { details } : {};
  if (switches.legacyErrors) {
    const error = {
      message,
      internal_error: `${LEGACY_INTERNAL[code]}: ${message}`,
      ...withDetails,
    };
    return { status, json: { success: false, error } };
  }
  return { status, json: { code, message, http_status_code: status, ...withDetails } };
}

/** Binding failures (bad JSON, wrong types, an empty body) all read the same (§8.3). */
export const invalidParameters = (switches: FlexpriceSwitches, details?: Record<string, string>) =>
  apiError(switches, 'validation_error', 'Invalid filter parameters', details);

/** Unknown filter/sort column: 400 or 500 at random upstream; the emulator picks 400 (§11). */
export const listFailed = (switches: FlexpriceSwitches, code: ApiErrorCode = 'validation_error') =>
  apiError(switches, code, 'Failed to list customers');

/** Written by middleware with gin.H, not the error envelope (§2). */
export const unauthorized = (error = 'Unauthorized'): EmulatorResponse => ({
  status: 401,
  json: { error },
});

/** gin's default for an unknown route or method (§3). */
export const routeNotFound: EmulatorResponse = { status: 404, text: '404 page not found' };

/** A recovered panic: 500 with an empty body (§3). */
export const panicked: EmulatorResponse = { status: 500, text: '', contentType: 'text/plain' };
