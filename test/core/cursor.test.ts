import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { decodeCursor, encodeCursor, queryFingerprint } from '../../src/tools/cursor.js';

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

describe('cursor', () => {
  const query = queryFingerprint({
    email: 'a@x.com',
    order_by: { field: 'name', direction: 'asc' },
  });

  it('round-trips position and provider state', () => {
    const cursor = encodeCursor('maple', query, { skip: 140, resume: 'fk_abc' });
    expect(decodeCursor(cursor, 'maple', query)).toEqual({ skip: 140, resume: 'fk_abc' });
  });

  it('fingerprints filters independently of key order and of undefined values', () => {
    expect(queryFingerprint({ b: 1, a: { y: 2, x: 1 }, c: undefined })).toBe(
      queryFingerprint({ a: { x: 1, y: 2 }, b: 1 }),
    );
    expect(queryFingerprint({ a: 1 })).not.toBe(queryFingerprint({ a: 2 }));
  });

  it('rejects a cursor of another provider, naming it', () => {
    const cursor = encodeCursor('quentli', query, { skip: 20, resume: null });
    expect(rejection(() => decodeCursor(cursor, 'maple', query)).message).toContain(
      'quentli_list_customers',
    );
  });

  it('rejects a cursor of another query', () => {
    const cursor = encodeCursor('maple', query, { skip: 20, resume: null });
    expect(rejection(() => decodeCursor(cursor, 'maple', queryFingerprint({}))).message).toContain(
      'different filters',
    );
  });

  it('rejects a tampered cursor', () => {
    const cursor = encodeCursor('maple', query, { skip: 20, resume: null });
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...payload, s: 9000 })).toString('base64url');
    expect(rejection(() => decodeCursor(forged, 'maple', query)).message).toContain('altered');
  });

  it.each(['', 'not-base64!', Buffer.from('{"v":2}').toString('base64url'), 'eyJ9'])(
    'rejects garbage %j',
    (garbage) => {
      rejection(() => decodeCursor(garbage, 'maple', query));
    },
  );
});
