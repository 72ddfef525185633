/** Values placed in a URL path: always one encoded segment, and never a dot segment. */

/** Path segment encoding: an id like `../../v1/customers` can never reach another route. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * '.' and '..' pass encodeURIComponent unchanged, and every URL parser (undici's too) folds such
 * a segment away, even percent-encoded: sent as a path segment, it would reach another route.
 */
export function isDotSegment(value: string): boolean {
  return value === '.' || value === '..';
}
