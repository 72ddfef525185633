/**
 * The continuation state Maple pages carry inside our next_cursor: "<query key>.<from_key>". The
 * tool layer already checks provider, query and checksum; this is the defensive second check.
 */
import { invalidArgument } from '../../errors.js';

const MAX_FROM_KEY = 1000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const RESUME = /^([A-Za-z0-9_-]{16})\.([^\u0000-\u001f\u007f]+)$/;

/** Null when the from_key would not survive the trip (too long, control characters): the page
 * after then starts from the position cache instead. */
export function encodeResume(queryKey: string, fromKey: string): string | null {
  const resume = `${queryKey}.${fromKey}`;
  return fromKey.length <= MAX_FROM_KEY && RESUME.test(resume) ? resume : null;
}

/** The from_key for position `skip`, or invalid_argument when the state is not ours. */
export function decodeResume(resume: string, queryKey: string, skip: number): string {
  const bad = (why: string) =>
    invalidArgument(
      `cursor: ${why}. Pass next_cursor exactly as a maple_list_customers page or find_customers section returned it, or use skip instead.`,
      'maple',
    );
  const match = RESUME.exec(resume);
  if (!match || (match[2] as string).length > MAX_FROM_KEY)
    throw bad('its Maple position is malformed');
  if (match[1] !== queryKey) throw bad('it belongs to a query with different filters or order');
  if (skip <= 0) throw bad('it does not point past the first page');
  return match[2] as string;
}
