/**
 * The test oracle for CONTRACT §4 timestamps, independent of src: a `Z` value loses only the zeros
 * at the end of its fraction; an offset value (millisecond precision in the seeds) goes through Date.
 */
export function utc(raw: string): string {
  if (raw.endsWith('Z')) return raw.replace(/(\.\d*?)0+Z$/, '$1Z').replace(/\.Z$/, 'Z');
  return new Date(raw).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 in UTC, a fraction only when it is not zero. */
export const UTC_RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d*[1-9])?Z$/;
