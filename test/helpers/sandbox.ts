/** Real providers (from the registry) over a freshly started sandbox of all three emulators. */

import { PROVIDERS } from '../../src/providers/registry.js';
import type { BillingProvider, ProviderId, ProviderSettings } from '../../src/providers/types.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { HttpSettings } from '../../src/upstream/upstream.js';
import { testHttp } from './mcp.js';

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
  const { quentli, flexprice, maple } = emulators;
  return {
    QUENTLI_API_KEY: quentli.settings.apiKey,
    QUENTLI_BASE_URL: quentli.settings.baseUrl,
    FLEXPRICE_API_KEY: flexprice.settings.apiKey,
    FLEXPRICE_BASE_URL: flexprice.settings.baseUrl,
    MAPLE_API_KEY: maple.settings.apiKey,
    MAPLE_COMPANY_ID: maple.settings.companyId ?? '',
    MAPLE_BASE_URL: maple.settings.baseUrl,
  };
}
