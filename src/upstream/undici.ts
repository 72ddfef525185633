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

/** Connections per origin: a few is plenty for reads (Upstream admits as many requests at once). */
export const POOL_CONNECTIONS = 16;

/** The process-wide keep-alive pool. */
export async function sharedDispatcher(): Promise<Dispatcher> {
  const { Agent, buildConnector } = await loadUndici();
  shared ??= new Agent({
    keepAliveTimeout: 30_000,
    connections: POOL_CONNECTIONS,
    // An unsolicited `100 Continue` must not fail the call (see interim.ts).
    connect: skippingContinue(buildConnector({})),
  });
  return shared;
}

/** Closes the shared pool if it was ever created. */
export async function destroySharedDispatcher(): Promise<void> {
  await shared?.destroy();
}
