/**
 * `next_cursor`: an opaque, sealed token that carries the whole query it continues — provider,
 * filters, where the next page starts, and any provider continuation state (Maple's `from_key`).
 * No server state, so any instance behind a load balancer can continue any cursor.
 *
 * Sealed with AES-256-GCM under a key derived from the provider's credentials (see
 * src/providers/cursor-key.ts): tamper-evident, unreadable without the key, and portable across
 * instances that share the credentials, while a cursor issued to one tenant (header-credential
 * mode) simply fails to open for another — the refusal is the same as for garbage, so it reveals
 * nothing. The decoded filters are then validated again by the provider's own zod schema.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { invalidArgument } from '../errors.js';
import { fingerprint } from '../fingerprint.js';

/**
 * Cursor length bound, in characters. The cursor travels back through the model's context on
 * every page (4,096 base64url characters are ~1,500 tokens at worst; a typical one is ~100–200),
 * and the bound keeps opening one linear and cheap (base64 decode, one inflate capped below).
 * A query too large to fit (hundreds of native conditions) gets a cursor that holds only its
 * fingerprint: that cursor continues the query when the same filters come with it.
 */
export const MAX_CURSOR_CHARS = 4096;
/** An inflated payload larger than this is refused (a zip bomb cannot cost more). */
const MAX_PAYLOAD_BYTES = 64 * 1024;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const payloadSchema = z
  .object({
    v: z.literal(2),
    /** The filters, as the list schema parsed them; absent when they did not fit (see `q`). */
    f: z.record(z.string(), z.unknown()).optional(),
    /** The filters' fingerprint, when `f` did not fit. */
    q: z.string().optional(),
    s: z.number().int().min(0),
    r: z.string().nullable(),
  })
  .strict();

export interface CursorState {
  skip: number;
  resume: string | null;
}

export interface OpenedCursor extends CursorState {
  /** The query the cursor continues (unvalidated: the caller runs it through its schema). */
  filters: Record<string, unknown> | undefined;
  fingerprint: string;
}

/** A stable fingerprint of the filters: the same query in any key order gives the same value. */
export function queryFingerprint(filters: unknown): string {
  return fingerprint(filters);
}

/** The filters that were actually given (an undefined member is not a filter). */
export function givenFilters(filters: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
}

export function encodeCursor(
  provider: string,
  key: Uint8Array,
  filters: Record<string, unknown>,
  state: CursorState,
): string {
  const f = givenFilters(filters);
  const full = seal(provider, key, { v: 2, f, s: state.skip, r: state.resume });
  if (full.length <= MAX_CURSOR_CHARS) return full;
  return seal(provider, key, { v: 2, q: fingerprint(f), s: state.skip, r: state.resume });
}

/**
 * Opens a cursor of `provider`, or throws invalid_argument. Foreign, altered and malformed
 * cursors get one message: which of them it was is nobody's business.
 */
export function decodeCursor(cursor: string, provider: string, key: Uint8Array): OpenedCursor {
  const bad = (why: string) =>
    invalidArgument(
      `cursor: ${why}. Pass next_cursor exactly as a previous ${provider}_list_customers page or find_customers section returned it, or use skip instead.`,
      provider,
    );
  const raw = cursor.length <= MAX_CURSOR_CHARS ? Buffer.from(cursor, 'base64url') : undefined;
  const owner = raw ? ownerOf(raw) : undefined;
  if (owner !== undefined && owner.provider !== provider && /^[a-z]{1,20}$/.test(owner.provider))
    throw bad(`this cursor belongs to ${owner.provider}_list_customers`);
  const payload = raw && owner ? open(raw, owner.end, provider, key) : undefined;
  if (!payload) throw bad('not a cursor issued for these credentials, or it was altered');
  const filters = payload.f;
  return {
    filters,
    fingerprint: filters ? fingerprint(filters) : (payload.q as string),
    skip: payload.s,
    resume: payload.r,
  };
}

/**
 * Checks the filters given beside a cursor against the cursor's own: each given filter must be
 * the same as the cursor's (a filter left out is taken from the cursor). Throws naming every
 * filter that differs; returns the query to run.
 */
export function resolveCursorFilters(
  opened: OpenedCursor,
  given: Record<string, unknown>,
  provider: string,
): Record<string, unknown> {
  const repeated = givenFilters(given);
  if (opened.filters === undefined) {
    if (fingerprint(repeated) === opened.fingerprint) return repeated;
    throw invalidArgument(
      Object.keys(repeated).length === 0
        ? 'cursor: its query was too large to travel inside the cursor; pass the same filters with it.'
        : 'cursor: it continues a query with other filters than these (its query was too large to carry, so pass exactly the same filters, or drop the cursor to start a new query).',
      provider,
    );
  }
  const cursorFilters = opened.filters;
  const differ = Object.keys(repeated).filter(
    (name) =>
      fingerprint({ value: repeated[name] }) !== fingerprint({ value: cursorFilters[name] }),
  );
  if (differ.length > 0) {
    throw invalidArgument(
      `cursor: it continues a query with other filters (${differ.join(', ')} ${differ.length === 1 ? 'differs' : 'differ'}). Pass the cursor alone to continue it, or leave the cursor out to start this new query.`,
      provider,
    );
  }
  return cursorFilters;
}

/**
 * Layout: provider-name length (1 byte), provider name, IV, GCM tag, ciphertext. The IV is a
 * keyed hash of the plaintext (synthetic IV): the same page always gets the same cursor (two
 * instances answer alike), and two different plaintexts never share an IV.
 */
function seal(provider: string, key: Uint8Array, payload: z.infer<typeof payloadSchema>): string {
  const name = Buffer.from(provider, 'utf8');
  const plain = deflateRawSync(JSON.stringify(payload));
  const ivKey = createHmac('sha256', key).update('cursor iv').digest();
  const iv = createHmac('sha256', ivKey).update(name).update(plain).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(name);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.of(name.length), name, iv, cipher.getAuthTag(), body]).toString(
    'base64url',
  );
}

function ownerOf(raw: Buffer): { provider: string; end: number } | undefined {
  const length = raw[0];
  if (length === undefined || length === 0 || raw.length < 1 + length + IV_BYTES + TAG_BYTES)
    return undefined;
  return { provider: raw.subarray(1, 1 + length).toString('utf8'), end: 1 + length };
}

function open(
  raw: Buffer,
  at: number,
  provider: string,
  key: Uint8Array,
): z.infer<typeof payloadSchema> | undefined {
  try {
    const iv = raw.subarray(at, at + IV_BYTES);
    const tag = raw.subarray(at + IV_BYTES, at + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(provider, 'utf8'));
    decipher.setAuthTag(tag);
    const body = Buffer.concat([
      decipher.update(raw.subarray(at + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
    const json = inflateRawSync(body, { maxOutputLength: MAX_PAYLOAD_BYTES }).toString('utf8');
    const parsed = payloadSchema.safeParse(JSON.parse(json));
    if (!parsed.success || (parsed.data.f === undefined) === (parsed.data.q === undefined))
      return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}
