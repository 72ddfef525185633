import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { cursorKeyFor } from '../../src/providers/cursor-key.js';
import {
  decodeCursor,
  encodeCursor,
  MAX_CURSOR_CHARS,
  queryFingerprint,
  resolveCursorFilters,
} from '../../src/tools/cursor.js';

function rejection(run: () => unknown): ToolError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('invalid_argument');
    return error as ToolError;
  }
  throw new Error('expected invalid_argument');
}

const settings = {
  apiKey: 'sk_test_one',
  baseUrl: 'http://127.0.0.1:1/api/v1',
  extras: { companyId: 'cmp_1' },
};
const key = cursorKeyFor('maple', settings);

describe('cursor', () => {
  const filters = { email: 'a@x.com', order_by: { field: 'name', direction: 'asc' } };

  it('round-trips the filters, the position and provider state', () => {
    const cursor = encodeCursor('maple', key, filters, { skip: 140, resume: 'fk_abc' });
    expect(decodeCursor(cursor, 'maple', key)).toEqual({
      filters,
      fingerprint: queryFingerprint(filters),
      skip: 140,
      resume: 'fk_abc',
    });
  });

  it('is opaque: neither the filters nor the position can be read from it', () => {
    const cursor = encodeCursor('maple', key, filters, { skip: 140, resume: null });
    const bytes = Buffer.from(cursor, 'base64url').toString('latin1');
    expect(bytes).not.toContain('a@x.com');
    expect(bytes).not.toContain('140');
  });

  it('opens with the same credentials on another instance, and never with other credentials', () => {
    const cursor = encodeCursor('maple', key, filters, { skip: 20, resume: null });
    // Another process with the same settings derives the same key (no per-process secret).
    expect(decodeCursor(cursor, 'maple', cursorKeyFor('maple', { ...settings })).skip).toBe(20);
    const other = cursorKeyFor('maple', { ...settings, apiKey: 'sk_test_two' });
    const refusal = rejection(() => decodeCursor(cursor, 'maple', other));
    // The same words as for garbage: nothing about the cursor's owner or query.
    expect(refusal.message).toBe(rejection(() => decodeCursor('garbage', 'maple', other)).message);
    expect(refusal.message).not.toContain('a@x.com');
  });

  it('fingerprints filters independently of key order and of undefined values', () => {
    expect(queryFingerprint({ b: 1, a: { y: 2, x: 1 }, c: undefined })).toBe(
      queryFingerprint({ a: { x: 1, y: 2 }, b: 1 }),
    );
    expect(queryFingerprint({ a: 1 })).not.toBe(queryFingerprint({ a: 2 }));
  });

  it('rejects a cursor of another provider, naming it', () => {
    const cursor = encodeCursor('quentli', key, filters, { skip: 20, resume: null });
    expect(rejection(() => decodeCursor(cursor, 'maple', key)).message).toContain(
      'quentli_list_customers',
    );
  });

  it('accepts the same filters repeated (any key order) and names each filter that differs', () => {
    const cursor = encodeCursor('maple', key, filters, { skip: 20, resume: null });
    const opened = decodeCursor(cursor, 'maple', key);
    expect(resolveCursorFilters(opened, {}, 'maple')).toEqual(filters);
    expect(
      resolveCursorFilters(
        opened,
        { order_by: { direction: 'asc', field: 'name' }, email: 'a@x.com', name: undefined },
        'maple',
      ),
    ).toEqual(filters);
    const message = rejection(() =>
      resolveCursorFilters(opened, { email: 'b@x.com', status: 'archived' }, 'maple'),
    ).message;
    expect(message).toContain('email, status differ');
  });

  it('stays within its size bound: a query too large to carry travels as a fingerprint', () => {
    const huge = {
      tags: Array.from({ length: 200 }, (_, i) =>
        createHash('sha256').update(String(i)).digest('base64url'),
      ),
    };
    const cursor = encodeCursor('maple', key, huge, { skip: 20, resume: null });
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_CHARS);
    const opened = decodeCursor(cursor, 'maple', key);
    expect(opened.filters).toBeUndefined();
    expect(resolveCursorFilters(opened, huge, 'maple')).toEqual(huge);
    expect(rejection(() => resolveCursorFilters(opened, {}, 'maple')).message).toContain(
      'too large',
    );
  });

  it('rejects a tampered cursor', () => {
    const cursor = encodeCursor('maple', key, filters, { skip: 20, resume: null });
    const bytes = Buffer.from(cursor, 'base64url');
    for (const at of [bytes.length - 1, 8, 30]) {
      const forged = Buffer.from(bytes);
      forged[at] = (forged[at] as number) ^ 0x40;
      expect(
        rejection(() => decodeCursor(forged.toString('base64url'), 'maple', key)).message,
      ).toMatch(/altered|belongs to/);
    }
  });

  it.each(['', 'not-base64!', Buffer.from('{"v":2}').toString('base64url'), 'eyJ9'])(
    'rejects garbage %j',
    (garbage) => {
      rejection(() => decodeCursor(garbage, 'maple', key));
    },
  );

  it('rejects an over-long cursor without decoding it', () => {
    rejection(() => decodeCursor('A'.repeat(MAX_CURSOR_CHARS + 1), 'maple', key));
  });
});
