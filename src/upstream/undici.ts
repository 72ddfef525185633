/**
 * undici, loaded on the first upstream request rather than at start-up: with the bin bundled it is
 * a lazy chunk, so `initialize` does not wait for an HTTP client it has no use for yet.
 */
import type { Dispatcher } from 'undici';

type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;
let shared: Dispatcher | undefined;

export function loadUndici(): Promise<Undici> {
  loading ??= import('undici');
  return loading;
}

/** The process-wide keep-alive pool; a few connections per origin is plenty for reads. */
export async function sharedDispatcher(): Promise<Dispatcher> {
  const { Agent } = await loadUndici();
  shared ??= new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  return shared;
}

/** Closes the shared pool if it was ever created. */
export async function destroySharedDispatcher(): Promise<void> {
  await shared?.destroy();
}
