/** Flexprice's descriptor: what the rest of the server knows of it (providers/descriptor.ts). */
import { defineProvider } from '../descriptor.js';
import { createFlexpriceProvider } from './client.js';

export const FLEXPRICE = defineProvider({
  id: 'flexprice',
  displayName: 'Flexprice',
  secretEnv: 'FLEXPRICE_API_KEY',
  baseUrlEnv: 'FLEXPRICE_BASE_URL',
  defaultOrigin: 'https://us.api.flexprice.io',
  apiPrefix: '/v1',
  create: createFlexpriceProvider,
  sandbox: async () =>
    (await import('../../sandbox/flexprice/emulator.js')).startFlexpriceEmulator(),
  published: {
    key: {
      title: 'Flexprice API key',
      description: 'Sent as x-api-key. Leave empty to turn the Flexprice tools off.',
      registryDescription: 'Flexprice API key. Leave unset to turn the Flexprice tools off.',
    },
    baseUrl: {
      title: 'Flexprice API origin',
      description:
        'US: https://us.api.flexprice.io (default). India: https://api.cloud.flexprice.io.',
      registryDescription: 'Flexprice API origin (India: https://api.cloud.flexprice.io).',
    },
    tools: {
      get_customer: 'One Flexprice customer by id or external_id.',
      list_customers: 'A filtered page of Flexprice customers.',
    },
  },
});
