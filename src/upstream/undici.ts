/**
 * undici, loaded on the first upstream request rather than at start-up: with the bin bundled it is
 * a lazy chunk, so `initialize` does not wait for an HTTP client it has no use for yet.
 */
import type { Dispatcher } from 'undici';
import { skippingContinue } from './interim.js';

type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;
/** One keep-alive pool per pool size: the bin has one; in-process servers may set others. */
const shared = new Map<number, Dispatcher>();

export function loadUndici(): Promise<Undici> {
  loading ??= import('undici');
  return loading;
}

/**
 * Connections per upstream origin, the default of BILLING_MCP_MAX_CONNECTIONS: the pool's size and
 * the request gate's (Upstream admits as many requests at once as the pool has connections).
 */
export const DEFAULT_MAX_CONNECTIONS = 64;

/** The process-wide keep-alive pool of `connections` per origin (the bin's setting). */
export async function sharedDispatcher(connections = DEFAULT_MAX_CONNECTIONS): Promise<Dispatcher> {
  const { Agent, buildConnector } = await loadUndici();
  let pool = shared.get(connections);
  if (!pool) {
    pool = new Agent({
      keepAliveTimeout: 30_000,
      connections,
      // An unsolicited `100 Continue` must not fail the call (see interim.ts).
      connect: skippingContinue(buildConnector({})),
    });
    shared.set(connections, pool);
  }
  return pool;
}

/** Closes every shared pool ever created; the next request opens a new one. */
export async function destroySharedDispatcher(): Promise<void> {
  const pools = [...shared.values()];
  shared.clear();
  await Promise.all(pools.map((pool) => pool.destroy()));
}
