/**
 * The time the upstream client waits on between attempts: Retry-After, backoff and the gate's
 * 429 pause read and spend it here. Production uses the real clock; tests that prove the waits
 * (how long, never shorter than the backoff) pass one that records each wait and skips it.
 */
export interface Clock {
  /** Epoch milliseconds, as Date.now(). */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
