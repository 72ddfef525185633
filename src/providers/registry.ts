/**
 * The provider table: adding a provider is one folder (its index.ts holds the descriptor) and one
 * entry here (docs/adding-a-provider.md). Everything else derives from these entries.
 */
import { checkRegistry, type ProviderEntry, type Registry } from './descriptor.js';
import { FLEXPRICE } from './flexprice/index.js';
import { MAPLE } from './maple/index.js';
import { QUENTLI } from './quentli/index.js';

export type { ProviderEntry, Registry };

export const PROVIDERS = [QUENTLI, FLEXPRICE, MAPLE] as const;
checkRegistry(PROVIDERS);

/** The built-in providers' ids; a registry made elsewhere (a test's) may hold others. */
export type ProviderId = (typeof PROVIDERS)[number]['id'];
export const PROVIDER_IDS: readonly ProviderId[] = PROVIDERS.map((entry) => entry.id);
