/**
 * Bounded memory: Maple's `from_key` is whatever the server sends. The position cache is bounded
 * by bytes, a key over MAX_CACHED_FROM_KEY is never kept, and the call still answers correctly,
 * by skip and by next_cursor. Memory is read from the cache's own accounting, not from RSS.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMapleProvider } from '../../src/providers/maple/client.js';
import { MAX_CACHED_FROM_KEY, PositionCache } from '../../src/providers/maple/position-cache.js';
import { type MapleEmulator, startMapleEmulator } from '../../src/sandbox/maple/emulator.js';
import { connectClient, testHttp } from '../helpers/mcp.js';
import { findRequests, groundTruth, list } from './helpers.js';

describe('PositionCache byte bound', () => {
  it('many large keys: bytes never exceed maxBytes, the oldest go first', () => {
    const cache = new PositionCache({ maxBytes: 64 * 1024 });
    const key = 'x'.repeat(MAX_CACHED_FROM_KEY);
    for (let position = 1; position <= 10_000; position++) {
      expect(cache.set('q', position, key)).toBe(true);
      expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.nearest('q', 10_000).position).toBe(10_000);
    expect(cache.nearest('q', 100).fromKey).toBeNull();
  });

  it('a key over MAX_CACHED_FROM_KEY is skipped, and replacing an entry releases its bytes', () => {
    const cache = new PositionCache();
    expect(cache.set('q', 100, 'k'.repeat(MAX_CACHED_FROM_KEY + 1))).toBe(false);
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
    cache.set('q', 100, 'short');
    const one = cache.bytes;
    cache.set('q', 100, 'short');
    expect(cache.bytes).toBe(one);
  });
});

describe('Maple answering with huge from_keys', { timeout: 60_000 }, () => {
  const COUNT = 1500;
  let maple: MapleEmulator;
  let client: Client;
  let positions: PositionCache;
  beforeAll(async () => {
    maple = await startMapleEmulator({ count: COUNT });
  });
  afterEach(async () => {
    await client.close();
    maple.emulator.clearLog();
  });
  afterAll(() => maple.close());

  async function connect(cache: PositionCache, padding: number) {
    positions = cache;
    maple.switches.fromKeyPadding = padding;
    client = await connectClient([createMapleProvider(maple.settings, testHttp(), cache)]);
  }

  it('256 KB per from_key, skip 1400: right rows, nothing cached; next_skip and next_cursor still work', async () => {
    await connect(new PositionCache(), 256 * 1024);
    const truth = groundTruth(maple.customers).map((row) => row.id);
    const first = await list(client, { skip: 1400, take: 5 });
    expect(first.items.map((row) => row.id)).toEqual(truth.slice(1400, 1405));
    expect(findRequests(maple).length).toBeGreaterThanOrEqual(14);
    // Every key was far over the cap: none was kept.
    expect([positions.size, positions.bytes]).toEqual([0, 0]);

    const bySkip = await list(client, { skip: first.next_skip, take: 5 });
    expect(bySkip.items.map((row) => row.id)).toEqual(truth.slice(1405, 1410));

    // The cursor cannot carry such a key either: it stays small and still pages correctly.
    expect(first.next_cursor?.length ?? 0).toBeLessThan(2000);
    const byCursor = await list(client, { cursor: first.next_cursor, take: 5 });
    expect(byCursor.items.map((row) => row.id)).toEqual(truth.slice(1405, 1410));
    expect(positions.bytes).toBe(0);
  });

  it('3,000-character keys (under the per-key cap) with a 20 KB budget: cached, bytes stay within it', async () => {
    const maxBytes = 20 * 1024;
    await connect(new PositionCache({ maxBytes }), 3000);
    const truth = groundTruth(maple.customers).map((row) => row.id);
    const page = await list(client, { skip: 1400, take: 5 });
    expect(page.items.map((row) => row.id)).toEqual(truth.slice(1400, 1405));
    expect(positions.size).toBeGreaterThan(0);
    expect(positions.bytes).toBeLessThanOrEqual(maxBytes);
    // The newest position survived eviction: the next page costs one request.
    maple.emulator.clearLog();
    const next = await list(client, { skip: page.next_skip, take: 5 });
    expect(next.items.map((row) => row.id)).toEqual(truth.slice(1405, 1410));
    expect(findRequests(maple)).toHaveLength(1);
  });
});
