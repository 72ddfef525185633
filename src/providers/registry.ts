/** The provider table: adding a provider is one folder and one entry here. */
import type { HttpSettings } from '../upstream/upstream.js';
import { createFlexpriceProvider } from './flexprice/index.js';
import { createMapleProvider } from './maple/index.js';
import { createQuentliProvider } from './quentli/index.js';
import type { BillingProvider, ProviderId, ProviderSettings } from './types.js';

export interface ProviderEntry {
  id: ProviderId;
  displayName: string;
  /** Variables that must all be set for the provider's tools to be registered. */
  requiredEnv: readonly string[];
  /** Secret variables: never printed, redacted from logs. */
  secretEnv: string;
  baseUrlEnv: string;
  defaultOrigin: string;
  /** Path the client appends to the origin (CONTRACT §2). */
  apiPrefix: string;
  create: (settings: ProviderSettings, http: HttpSettings) => BillingProvider;
}

export const PROVIDERS: readonly ProviderEntry[] = [
  {
    id: 'quentli',
    displayName: 'Quentli',
    requiredEnv: ['QUENTLI_API_KEY'],
    secretEnv: 'QUENTLI_API_KEY',
    baseUrlEnv: 'QUENTLI_BASE_URL',
    defaultOrigin: 'https://api.quentli.com',
    apiPrefix: '/v1',
    create: createQuentliProvider,
  },
  {
    id: 'flexprice',
    displayName: 'Flexprice',
    requiredEnv: ['FLEXPRICE_API_KEY'],
    secretEnv: 'FLEXPRICE_API_KEY',
    baseUrlEnv: 'FLEXPRICE_BASE_URL',
    defaultOrigin: 'https://us.api.flexprice.io',
    apiPrefix: '/v1',
    create: createFlexpriceProvider,
  },
  {
    id: 'maple',
    displayName: 'Maple Billing',
    requiredEnv: ['MAPLE_API_KEY', 'MAPLE_COMPANY_ID'],
    secretEnv: 'MAPLE_API_KEY',
    baseUrlEnv: 'MAPLE_BASE_URL',
    defaultOrigin: 'https://api.maplebilling.com',
    apiPrefix: '/api/v1',
    create: createMapleProvider,
  },
];
