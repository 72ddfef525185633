/**
 * (query key, row position) → Maple `from_key`, bounded LRU with a TTL. It lets `next_skip` (and
 * jumps near a known position) cost one request instead of a walk from the start, without any
 * state the caller must carry. Positions drift when customers are created; the TTL bounds that.
 *
 * Bounded by bytes as well as entries: `from_key` is whatever Maple sends, and a
 * provider answering with megabytes per page once filled 1,000 entries to a fatal heap OOM. A key
 * longer than MAX_CACHED_FROM_KEY is not kept at all (the walk still uses it; the next call walks
 * again), so the cache holds at most maxBytes, 1 MiB by default.
 */
import { fingerprint } from '../../fingerprint.js';

interface Entry {
  fromKey: string;
  at: number;
}

/** Maple's own keys are tens of characters; 4 KiB leaves room for any sane encoding. */
export const MAX_CACHED_FROM_KEY = 4096;
const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Per entry beyond its strings: the Map slot, the entry object, the timestamp (an estimate). */
const ENTRY_OVERHEAD_BYTES = 96;

/** What an entry costs: strings at 2 bytes per UTF-16 unit (V8's worst case) plus overhead. */
function entryBytes(key: string, fromKey: string): number {
  return 2 * (key.length + fromKey.length) + ENTRY_OVERHEAD_BYTES;
}

export interface PositionCacheOptions {
  maxEntries?: number;
  /** Total size of all entries, as entryBytes counts it. */
  maxBytes?: number;
  ttlMs?: number;
  now?: () => number;
}

export class PositionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private usedBytes = 0;

  constructor(options: PositionCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Bytes held, as entryBytes counts them (never above maxBytes). */
  get bytes(): number {
    return this.usedBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Remembers the position; an oversized `fromKey` is skipped (false), never stored. */
  set(queryKey: string, position: number, fromKey: string): boolean {
    const key = `${queryKey}@${position}`;
    this.delete(key);
    const bytes = entryBytes(key, fromKey);
    if (fromKey.length > MAX_CACHED_FROM_KEY || bytes > this.maxBytes) return false;
    this.entries.set(key, { fromKey, at: this.now() });
    this.usedBytes += bytes;
    while (this.entries.size > this.maxEntries || this.usedBytes > this.maxBytes) {
      this.delete(this.entries.keys().next().value as string);
    }
    return true;
  }

  /** The known position closest to (and not after) `position`, else the start of the list. */
  nearest(queryKey: string, position: number): { position: number; fromKey: string | null } {
    let best: { position: number; fromKey: string | null } = { position: 0, fromKey: null };
    const prefix = `${queryKey}@`;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      if (now - entry.at > this.ttlMs) {
        this.delete(key);
        continue;
      }
      const at = Number(key.slice(prefix.length));
      if (at <= position && at > best.position) best = { position: at, fromKey: entry.fromKey };
    }
    if (best.fromKey !== null) this.touch(`${prefix}${best.position}`);
    return best;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.usedBytes -= entryBytes(key, entry.fromKey);
  }

  private touch(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
  }
}

/** A stable key for one query: the same filters and sort in any key order give the same key. */
export function queryKey(query: unknown, sortKey: string): string {
  return fingerprint({ query, sortKey });
}
