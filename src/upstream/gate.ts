/**
 * At most `limit` requests in flight per upstream origin (BILLING_MCP_MAX_CONNECTIONS, the pool's
 * own connection count); the rest wait here, where a cancelled or timed out call simply leaves
 * the line.
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
 *
 * Fair between tenants: each tenant (header-credential mode: one per set of
 * credentials) waits in its own line, and freed slots go to the waiting tenants in turn. With k
 * tenants waiting each gets every k-th slot, so one tenant's burst holds every slot at most until
 * the next one frees up (one upstream answer), never for the length of its burst.
 *
 * A 429 pauses the origin for those credentials: `pause(ms, tenant)` hands that tenant
 * no slot until then, so its calls waiting here share the provider's wait instead of each being
 * sent into the same 429. Rate limits are per API key, so another tenant's line keeps moving: one
 * tenant's 429 never stalls another (in env mode there is one tenant, so the whole origin waits).
 */
import { type Clock, realClock } from './clock.js';

export interface Waiter {
  signal: AbortSignal;
  /** Epoch ms at which `signal` aborts with a timeout. */
  deadlineAt: number;
  /** Whose request this is (a fingerprint of its credentials); one line per tenant. */
  tenant?: string;
}

interface Queued {
  deadlineAt: number;
  grant: () => void;
  expire: () => void;
}

export class RequestGate {
  private active = 0;
  /** Per tenant, its waiters in arrival order; Map order is the round-robin order. */
  private readonly lines = new Map<string, Queued[]>();
  private waitingCount = 0;
  private handing = false;
  /** Per tenant, the end of its 429 pause (epoch ms); entries are dropped once passed. */
  private readonly pausedUntil = new Map<string, number>();
  private resumeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: number,
    private readonly minRemainingMs: number,
    /** What a 429 pause is measured on (deadlines are always real time: undici's timers are). */
    private readonly clock: Clock = realClock,
  ) {}

  /** Requests holding a slot now (for tests and diagnostics). */
  get inFlight(): number {
    return this.active;
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason, or
   * a TimeoutError when too little time would be left. */
  acquire({ signal, deadlineAt, tenant = '' }: Waiter): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit && this.waitingCount === 0 && !this.paused(tenant)) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const leave = (reason: unknown) => {
        signal.removeEventListener('abort', onAbort);
        this.remove(tenant, waiter);
        reject(reason);
      };
      const waiter: Queued = {
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
      const line = this.lines.get(tenant) ?? [];
      line.push(waiter);
      this.lines.set(tenant, line);
      this.waitingCount++;
      this.handOver();
    });
  }

  /** The provider said to wait (429): `tenant` gets no slot for `ms`. */
  pause(ms: number, tenant = ''): void {
    if (!(ms > 0)) return;
    const until = Math.max(this.pausedUntil.get(tenant) ?? 0, this.clock.now() + ms);
    this.pausedUntil.set(tenant, until);
    this.armResume();
  }

  private paused(tenant: string): boolean {
    const until = this.pausedUntil.get(tenant);
    if (until === undefined) return false;
    if (this.clock.now() < until) return true;
    this.pausedUntil.delete(tenant);
    return false;
  }

  /** Hands over when the earliest pause ends (re-armed if a timer fires a millisecond early). */
  private armResume(): void {
    clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    const now = this.clock.now();
    for (const [tenant, until] of this.pausedUntil)
      if (until <= now) this.pausedUntil.delete(tenant);
    const ends = [...this.pausedUntil.values()];
    if (ends.length === 0) return;
    const wait = Math.max(1, Math.min(...ends) - now);
    this.resumeTimer = setTimeout(() => this.handOver(), wait);
    this.resumeTimer.unref();
  }

  private remove(tenant: string, waiter: Queued): void {
    const line = this.lines.get(tenant);
    const at = line ? line.indexOf(waiter) : -1;
    if (!line || at < 0) return;
    line.splice(at, 1);
    this.waitingCount--;
    if (line.length === 0) this.lines.delete(tenant);
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

  /** The next waiter, taking tenants in turn (paused ones skipped): the one served goes last. */
  private next(): Queued | undefined {
    for (const [tenant, line] of this.lines) {
      if (this.paused(tenant)) continue;
      const waiter = line.shift();
      this.lines.delete(tenant);
      if (line.length > 0) this.lines.set(tenant, line);
      if (waiter) {
        this.waitingCount--;
        return waiter;
      }
    }
    return undefined;
  }

  private handOver(): void {
    if (this.handing || this.waitingCount === 0) return;
    this.handing = true;
    setImmediate(() => {
      this.handing = false;
      const now = Date.now();
      while (this.active < this.limit) {
        const next = this.next();
        if (!next) break;
        if (next.deadlineAt - now < this.minRemainingMs) next.expire();
        else next.grant();
      }
      // Waiters left behind a pause are handed over when it ends.
      if (this.waitingCount > 0 && this.pausedUntil.size > 0) this.armResume();
    });
  }
}
