/** Real providers (from the registry) over a freshly started sandbox of all three emulators. */

import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { envFor } from '../../src/providers/descriptor.js';
import { PROVIDER_IDS, PROVIDERS } from '../../src/providers/registry.js';
import type { BillingProvider, ProviderId, ProviderSettings } from '../../src/providers/types.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { HttpSettings } from '../../src/upstream/upstream.js';
import { connectClient, testHttp } from './mcp.js';

export async function sandboxProviders(
  http: HttpSettings = testHttp(),
): Promise<{ sandbox: Sandbox; providers: BillingProvider[] }> {
  const sandbox = await startSandbox();
  const providers = PROVIDERS.map((entry) => entry.create(sandbox.settings[entry.id], http));
  return { sandbox, providers };
}

/** The environment that points the real bin at a set of started emulators (e.g. a sandbox's). */
export function sandboxEnv(
  emulators: Record<ProviderId, { settings: ProviderSettings }>,
): Record<string, string> {
  return Object.assign(
    {},
    ...PROVIDERS.map((entry) => envFor(entry, emulators[entry.id].settings)),
  );
}

/**
 * One sandbox and one connected client for a test file (this run's transport and era), the
 * emulators' request logs cleared after each test. Read `sandbox` and `client` inside tests.
 */
export function useSandboxClient(): { readonly sandbox: Sandbox; readonly client: Client } {
  const shared = {} as { sandbox: Sandbox; client: Client };
  beforeAll(async () => {
    const setup = await sandboxProviders();
    shared.sandbox = setup.sandbox;
    shared.client = await connectClient(setup.providers);
  });
  afterEach(() => {
    for (const id of PROVIDER_IDS) shared.sandbox.emulators[id].emulator.clearLog();
  });
  afterAll(async () => {
    await shared.client.close();
    await shared.sandbox.close();
  });
  return shared;
}
