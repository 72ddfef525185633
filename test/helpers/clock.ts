/**
 * A clock for the upstream client's waits (src/upstream/clock.ts) that records every wait asked
 * for and skips it: time moves forward by the wait at once, so a test proves how long the client
 * would have waited without spending it. An aborted signal still ends a wait with its reason.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../../src/upstream/clock.js';

export interface SkippingClock extends Clock {
  /** Every wait asked for, in order (ms). */
  readonly waits: number[];
}

export function skippingClock(): SkippingClock {
  let skipped = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => Date.now() + skipped,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      skipped += ms;
      // A turn of the event loop, as a timer would give: other work runs before the retry.
      await nextTurn();
      if (signal?.aborted) throw signal.reason;
    },
  };
}

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, ending every wait that is then due. */
  advance(ms: number): void;
}

/** A clock that moves only when the test says so (`advance`): no wait depends on the machine. */
export function manualClock(start = Date.now()): ManualClock {
  let now = start;
  const due: { at: number; end: () => void }[] = [];
  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const entry = { at: now + ms, end: resolve };
        due.push(entry);
        signal?.addEventListener('abort', () => {
          due.splice(due.indexOf(entry), 1);
          reject(signal.reason);
        });
      });
    },
    advance(ms) {
      now += ms;
      for (const entry of due.filter((e) => e.at <= now)) {
        due.splice(due.indexOf(entry), 1);
        entry.end();
      }
    },
  };
}
