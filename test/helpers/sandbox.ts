/** Real providers (from the registry) over a freshly started sandbox of all three emulators. */
import type { HttpSettings } from '../../src/http/upstream.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import type { BillingProvider } from '../../src/providers/types.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { testHttp } from './mcp.js';

export async function sandboxProviders(
  http: HttpSettings = testHttp(),
): Promise<{ sandbox: Sandbox; providers: BillingProvider[] }> {
  const sandbox = await startSandbox();
  const providers = PROVIDERS.map((entry) => entry.create(sandbox.settings[entry.id], http));
  return { sandbox, providers };
}

/** The environment that points the real bin at the sandbox emulators. */
export function sandboxEnv(sandbox: Sandbox): Record<string, string> {
  const { quentli, flexprice, maple } = sandbox.settings;
  return {
    QUENTLI_API_KEY: quentli.apiKey,
    QUENTLI_BASE_URL: quentli.baseUrl,
    FLEXPRICE_API_KEY: flexprice.apiKey,
    FLEXPRICE_BASE_URL: flexprice.baseUrl,
    MAPLE_API_KEY: maple.apiKey,
    MAPLE_COMPANY_ID: maple.companyId ?? '',
    MAPLE_BASE_URL: maple.baseUrl,
  };
}
