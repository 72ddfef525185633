/**
 * (query key, row position) → Maple `from_key`, bounded LRU with a TTL. It lets `next_skip` (and
 * jumps near a known position) cost one request instead of a walk from the start, without any
 * state the caller must carry. Positions drift when customers are created; the TTL bounds that.
 */
import { fingerprint } from '../../fingerprint.js';

interface Entry {
  fromKey: string;
  at: number;
}

export interface PositionCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

export class PositionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: PositionCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  set(queryKey: string, position: number, fromKey: string): void {
    const key = `${queryKey}@${position}`;
    this.entries.delete(key);
    this.entries.set(key, { fromKey, at: this.now() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** The known position closest to (and not after) `position`, else the start of the list. */
  nearest(queryKey: string, position: number): { position: number; fromKey: string | null } {
    let best: { position: number; fromKey: string | null } = { position: 0, fromKey: null };
    const prefix = `${queryKey}@`;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      if (now - entry.at > this.ttlMs) {
        this.entries.delete(key);
        continue;
      }
      const at = Number(key.slice(prefix.length));
      if (at <= position && at > best.position) best = { position: at, fromKey: entry.fromKey };
    }
    if (best.fromKey !== null) this.touch(`${prefix}${best.position}`);
    return best;
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
