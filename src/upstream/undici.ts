/**
 * undici, loaded on the first upstream request rather than at start-up: with the bin bundled it is
 * a lazy chunk, so `initialize` does not wait for an HTTP client it has no use for yet.
 */
import type { Dispatcher } from 'undici';
import { skippingContinue } from './interim.js';

type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;
let shared: Dispatcher | undefined;

export function loadUndici(): Promise<Undici> {
  loading ??= import('undici');
  return loading;
}

/**
 * Connections per upstream origin, the default of BILLING_MCP_MAX_CONNECTIONS: the pool's size and
 * the request gate's (Upstream admits as many requests at once as the pool has connections).
 */
export const DEFAULT_MAX_CONNECTIONS = 64;

/** The process-wide keep-alive pool; its size is fixed by the first caller (the bin's setting). */
export async function sharedDispatcher(connections = DEFAULT_MAX_CONNECTIONS): Promise<Dispatcher> {
  const { Agent, buildConnector } = await loadUndici();
  shared ??= new Agent({
    keepAliveTimeout: 30_000,
    connections,
    // An unsolicited `100 Continue` must not fail the call (see interim.ts).
    connect: skippingContinue(buildConnector({})),
  });
  return shared;
}

/** Closes the shared pool if it was ever created. */
export async function destroySharedDispatcher(): Promise<void> {
  await shared?.destroy();
}
