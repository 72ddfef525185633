/**
 * At most `limit` requests in flight per upstream; the rest wait here, where a cancelled or timed
 * out call simply leaves the line.
 *
 * Why: undici's pool queues what its connections cannot take yet, and a
 * request aborted while queued is not dropped. It is dispatched later like any other: the pool
 * opens a connection for it, only then sees the abort, and destroys that connection unused. A
 * thousand calls timing out against a hanging provider became ~984 new TCP connections carrying
 * no request. With the gate no larger than the pool, undici never holds a queue.
 *
 * Two details keep the hand-over itself from doing the same on a smaller scale. A freed slot is
 * handed over on the next turn of the event loop (setImmediate), after the timer phase, so calls
 * whose deadlines fire in the same batch leave the line first. And a waiter with less than
 * `minRemainingMs` before its deadline is not sent at all (it fails as a timeout now): it could
 * not get an answer in that time, and would be aborted while its connection is being opened.
 */
export interface Waiter {
  signal: AbortSignal;
  /** Epoch ms at which `signal` aborts with a timeout. */
  deadlineAt: number;
}

export class RequestGate {
  private active = 0;
  private readonly waiting: { deadlineAt: number; grant: () => void; expire: () => void }[] = [];
  private handing = false;

  constructor(
    private readonly limit: number,
    private readonly minRemainingMs: number,
  ) {}

  /** Resolves with a release function once a slot is free; rejects with the signal's reason, or
   * a TimeoutError when too little time would be left. */
  acquire({ signal, deadlineAt }: Waiter): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const leave = (reason: unknown) => {
        signal.removeEventListener('abort', onAbort);
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(reason);
      };
      const waiter = {
        deadlineAt,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          this.active++;
          resolve(this.releaser());
        },
        expire: () =>
          leave(new DOMException('too little time left to send the request', 'TimeoutError')),
      };
      const onAbort = () => leave(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.handOver();
    };
  }

  private handOver(): void {
    if (this.handing || this.waiting.length === 0) return;
    this.handing = true;
    setImmediate(() => {
      this.handing = false;
      const now = Date.now();
      while (this.active < this.limit) {
        const next = this.waiting.shift();
        if (!next) return;
        if (next.deadlineAt - now < this.minRemainingMs) next.expire();
        else next.grant();
      }
    });
  }
}
