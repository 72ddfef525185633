/** Upstream cost of jumps, the position cache, tolerance of the end-of-list [A], cursor checks. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMapleProvider } from '../../src/providers/maple/client.js';
import { startMapleEmulator } from '../../src/sandbox/maple/emulator.js';
import { encodeCursor } from '../../src/tools/cursor.js';
import { connectClient, testHttp, toolError } from '../helpers/mcp.js';
import {
  findRequests,
  groundTruth,
  ids,
  list,
  type MapleHarness,
  startHarness,
} from './helpers.js';

let h: MapleHarness;
beforeEach(async () => {
  h = await startHarness(); // a fresh provider: a cold position cache
});
afterEach(async () => {
  await h.close();
});

describe('cold jumps', () => {
  it.each([
    [0, 100],
    [1, 20],
    [99, 1],
    [100, 20],
    [101, 100],
    [250, 20],
    [250, 100],
  ])('skip %i take %i costs at most ⌈(skip+take)/100⌉+1 requests', async (skip, take) => {
    const page = await list(h.client, { skip, take });
    const truth = groundTruth(h.maple.customers);
    expect(ids(page.items)).toEqual(ids(truth.slice(skip, skip + take)));
    const requests = findRequests(h.maple);
    expect(requests.length).toBeLessThanOrEqual(Math.ceil((skip + take) / 100) + 1);
    // Never more than Maple's maximum page, and no Idempotency-Key on any of them.
    for (const r of requests) {
      expect((r.body as { pagination: { limit: number } }).pagination.limit).toBeLessThanOrEqual(
        100,
      );
      expect(r.headers['idempotency-key']).toBeUndefined();
    }
  });

  it('a later jump starts from the nearest cached position', async () => {
    await list(h.client, { skip: 0, take: 100 });
    h.maple.emulator.clearLog();
    const page = await list(h.client, { skip: 150, take: 20 });
    expect(ids(page.items)).toEqual(ids(groundTruth(h.maple.customers).slice(150, 170)));
    expect(findRequests(h.maple)).toHaveLength(1);
  });

  it('next_skip after the first page costs one request', async () => {
    const first = await list(h.client, { status: 'active', take: 20 });
    h.maple.emulator.clearLog();
    const second = await list(h.client, { status: 'active', take: 20, skip: first.next_skip });
    expect(findRequests(h.maple)).toHaveLength(1);
    const truth = groundTruth(h.maple.customers, (c) => c.status === 'ACTIVE');
    expect(ids(second.items)).toEqual(ids(truth.slice(20, 40)));
  });
});

describe('tolerating the other readings of the [A] paging behaviour', () => {
  it('a server that answers short pages: still exact', async () => {
    h.maple.switches.maxPageSize = 30;
    const page = await list(h.client, { skip: 130, take: 100 });
    expect(ids(page.items)).toEqual(ids(groundTruth(h.maple.customers).slice(130, 230)));
    expect(page.has_more).toBe(true);
  });

  it('a server that sends a from_key on the last page: paging still ends, each row once', async () => {
    h.maple.switches.fromKeyOnLastPage = true;
    const seen: string[] = [];
    let page = await list(h.client, { take: 100 });
    seen.push(...ids(page.items));
    while (page.has_more) {
      page = await list(h.client, { take: 100, cursor: page.next_cursor });
      seen.push(...ids(page.items));
    }
    expect(seen).toEqual(ids(groundTruth(h.maple.customers)));
    expect(page.next_cursor).toBeNull();
  });
});

describe('cursor checks end to end (invalid_argument, zero upstream requests)', () => {
  async function rejected(args: Record<string, unknown>) {
    h.maple.emulator.clearLog();
    const error = toolError(
      await h.client.callTool({ name: 'maple_list_customers', arguments: args }),
    );
    expect(error.code).toBe('invalid_argument');
    expect(h.maple.emulator.requests).toHaveLength(0);
    return error;
  }

  it('a cursor beside different filters, naming the filter that differs', async () => {
    const page = await list(h.client, { status: 'active', take: 5 });
    const error = await rejected({ status: 'archived', take: 5, cursor: page.next_cursor });
    expect(error.message).toMatch(/^cursor: .*\(status differs\)/);
  });

  it('a cursor from another provider', async () => {
    const cursor = encodeCursor('quentli', h.provider.cursorKey, {}, { skip: 20, resume: null });
    expect((await rejected({ cursor })).message).toContain('quentli_list_customers');
  });

  it('a tampered cursor', async () => {
    const page = await list(h.client, { take: 5 });
    const bytes = Buffer.from(page.next_cursor as string, 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    const tampered = bytes.toString('base64url');
    expect((await rejected({ take: 5, cursor: tampered })).message).toContain('altered');
    await rejected({ take: 5, cursor: 'not-a-cursor' });
  });

  it('a well-sealed cursor whose Maple state is not ours (defensive check)', async () => {
    for (const resume of ['garbage', 'AAAAAAAAAAAAAAAA.key', 'x'.repeat(16)]) {
      const cursor = encodeCursor('maple', h.provider.cursorKey, {}, { skip: 20, resume });
      expect((await rejected({ cursor })).message).toMatch(/^cursor: /);
    }
  });
});

describe('a slow walk stays bounded', () => {
  it('gives up with a retryable timeout after 2 × BILLING_MCP_TIMEOUT_MS, and the retry starts nearer', async () => {
    const maple = await startMapleEmulator({ count: 1500 });
    const provider = createMapleProvider(maple.settings, testHttp({ timeoutMs: 400 }));
    const client = await connectClient([provider]);
    try {
      maple.emulator.latencyMs = 120; // ten 100-row hops to reach 1000 take ≥ 1.2 s: over 0.8 s
      const first = toolError(
        await client.callTool({ name: 'maple_list_customers', arguments: { skip: 1000, take: 5 } }),
      );
      expect(first).toMatchObject({ code: 'timeout', provider: 'maple', retryable: true });
      const walked = findRequests(maple).length;
      expect(walked).toBeGreaterThanOrEqual(1);
      expect(walked).toBeLessThan(11);
      maple.emulator.clearLog();
      maple.emulator.latencyMs = 0;
      const page = await list(client, { skip: 1000, take: 5 });
      expect(page.returned).toBe(5);
      // Resumed from the cached position: fewer hops than a cold walk (11).
      expect(findRequests(maple).length).toBeLessThanOrEqual(11 - walked + 1);
    } finally {
      await client.close();
      await maple.close();
    }
  });
});
