/**
 * The audit log's own parts: the record's fields, the keyed hash an investigator recomputes, a
 * file appended line by line, a path that cannot be written (the call is not held up, one stderr
 * line), and the start-up rule for the key. Calls through real transports: test/server/audit.test.ts.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  type AuditEvent,
  auditHash,
  auditLogFromEnv,
  customerIdsOf,
  openAuditLog,
} from '../../src/audit.js';
import { ConfigError } from '../../src/errors.js';

const KEY = 'audit-key-0123456789abcdef';
const event: AuditEvent = {
  tool: 'find_customers',
  providers: ['quentli', 'maple'],
  args: { email: 'Jane@Acme.com', take: 5 },
  principal: { kind: 'token', name: 'support-tier1' },
  result: 'ok',
  customerIds: ['quentli:cus_1', 'maple:cus_2'],
  durationMs: 12.4,
  requestId: 7,
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  transport: 'http',
};

describe('audit log', () => {
  it('appends one JSON line per call with every field; values only as HMAC-SHA-256 an investigator can recompute', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
    const log = openAuditLog(file, KEY, () => new Date('2026-12-01T10:00:00Z'));
    log.record(event);
    log.record({ ...event, result: 'not_found', customerIds: [] });
    await log.flush();
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      time: '2026-12-01T10:00:00.000Z',
      transport: 'http',
      principal: { kind: 'token', name: 'support-tier1' },
      tool: 'find_customers',
      providers: ['quentli', 'maple'],
      args: {
        email: createHmac('sha256', KEY).update('jane@acme.com').digest('hex'),
        take: createHmac('sha256', KEY).update('5').digest('hex'),
      },
      result: 'ok',
      customer_ids: ['quentli:cus_1', 'maple:cus_2'],
      duration_ms: 12,
      request_id: 7,
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    expect(lines[1].result).toBe('not_found');
    // The address looked up is nowhere in the file, in any case.
    expect(readFileSync(file, 'utf8').toLowerCase()).not.toContain('jane@acme.com');
    // Mixed case hashes like lower case: "who looked up jane@acme.com?" finds both spellings.
    expect(auditHash(KEY, 'jane@acme.com')).toBe(auditHash(KEY, '  JANE@acme.COM '));
  });

  // Its folder does not exist: CI runs as root, for whom a read-only folder is still writable.
  it('a path that cannot be written: record() returns at once, one stderr line, no throw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-ro-'));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const log = openAuditLog(join(dir, 'sub', 'audit.jsonl'), KEY);
      log.record(event);
      log.record(event);
      await log.flush();
      const written = stderr.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(written.match(/audit log: cannot write/g)).toHaveLength(1);
      expect(written).not.toContain(KEY);
    } finally {
      stderr.mockRestore();
    }
  });

  it('needs a key of at least 16 characters when the log is on; the key is never echoed', () => {
    expect(auditLogFromEnv({})).toBeUndefined();
    expect(() => auditLogFromEnv({ BILLING_MCP_AUDIT_LOG: 'stderr' })).toThrow(ConfigError);
    expect(() =>
      auditLogFromEnv({ BILLING_MCP_AUDIT_LOG: 'stderr', BILLING_MCP_AUDIT_KEY: 'short-key' }),
    ).toThrow(/BILLING_MCP_AUDIT_KEY must be too: a secret of at least 16/);
    try {
      auditLogFromEnv({ BILLING_MCP_AUDIT_LOG: 'stderr', BILLING_MCP_AUDIT_KEY: 'short-key' });
    } catch (error) {
      expect(String(error)).not.toContain('short-key');
    }
  });

  it('customer ids from every result shape', () => {
    expect(customerIdsOf({ customer: { provider: 'maple', id: 'c1' } })).toEqual(['maple:c1']);
    expect(customerIdsOf({ provider: 'quentli', items: [{ id: 'a' }, { id: 'b' }] })).toEqual([
      'quentli:a',
      'quentli:b',
    ]);
    expect(
      customerIdsOf({
        results: [
          { provider: 'flexprice', items: [{ id: 'x' }] },
          { provider: 'maple', error: { code: 'timeout' } },
        ],
      }),
    ).toEqual(['flexprice:x']);
  });
});
