/**
 * `next_cursor`: an opaque, self-checking token that carries where the next page starts, for which
 * provider and which query, plus any provider continuation state (Maple's `from_key`). No server state.
 */
import { z } from 'zod';
import { invalidArgument } from '../errors.js';
import { digest, fingerprint } from '../fingerprint.js';

const payloadSchema = z.object({
  v: z.literal(1),
  p: z.string(),
  q: z.string(),
  s: z.number().int().min(0),
  r: z.string().nullable(),
  c: z.string(),
});

export interface CursorState {
  skip: number;
  resume: string | null;
}

/** A stable fingerprint of the filters: the same query in any key order gives the same value. */
export function queryFingerprint(filters: unknown): string {
  return fingerprint(filters);
}

export function encodeCursor(provider: string, query: string, state: CursorState): string {
  const body = { v: 1 as const, p: provider, q: query, s: state.skip, r: state.resume };
  const check = digest(JSON.stringify(body));
  return Buffer.from(JSON.stringify({ ...body, c: check })).toString('base64url');
}

export function decodeCursor(cursor: string, provider: string, query: string): CursorState {
  const bad = (why: string) =>
    invalidArgument(
      `cursor: ${why}. Pass next_cursor exactly as a previous ${provider}_list_customers page returned it, with the same filters, or use skip instead.`,
      provider,
    );
  let payload: z.infer<typeof payloadSchema>;
  try {
    const parsed = payloadSchema.safeParse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    if (!parsed.success) throw new Error('shape');
    payload = parsed.data;
  } catch {
    throw bad('not a cursor this server issued');
  }
  const { c, ...body } = payload;
  if (digest(JSON.stringify(body)) !== c) throw bad('the cursor was altered');
  if (payload.p !== provider) throw bad(`this cursor belongs to ${payload.p}_list_customers`);
  if (payload.q !== query) throw bad('this cursor belongs to a query with different filters');
  return { skip: payload.s, resume: payload.r };
}
