/**
 * Per inbound request, how many upstream HTTP requests it caused (for remote mode's access log).
 * AsyncLocalStorage follows the call from the HTTP handler through the SDK into Upstream without
 * threading a parameter through every provider; outside a request (stdio) nothing is counted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestStats {
  upstreamRequests: number;
}

const current = new AsyncLocalStorage<RequestStats>();

export function withRequestStats<T>(stats: RequestStats, run: () => T): T {
  return current.run(stats, run);
}

/** Called by Upstream once per attempt sent. */
export function countUpstreamRequest(): void {
  const stats = current.getStore();
  if (stats) stats.upstreamRequests++;
}
