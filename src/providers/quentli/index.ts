/** Quentli's descriptor: what the rest of the server knows of it (providers/descriptor.ts). */
import { defineProvider } from '../descriptor.js';
import { createQuentliProvider } from './client.js';

export const QUENTLI = defineProvider({
  id: 'quentli',
  displayName: 'Quentli',
  secretEnv: 'QUENTLI_API_KEY',
  baseUrlEnv: 'QUENTLI_BASE_URL',
  defaultOrigin: 'https://api.quentli.com',
  apiPrefix: '/v1',
  create: createQuentliProvider,
  sandbox: async () => (await import('../../sandbox/quentli/emulator.js')).startQuentliEmulator(),
  published: {
    key: {
      title: 'Quentli API key',
      description: 'Organization API key (sk_…). Leave empty to turn the Quentli tools off.',
      registryDescription:
        'Quentli organization API key (sk_…). Leave unset to turn the Quentli tools off.',
    },
    baseUrl: {
      title: 'Quentli API origin',
      description: 'Change only for a proxy or a test server.',
      registryDescription: 'Quentli API origin.',
    },
    tools: {
      get_customer: 'One Quentli customer by id or external_id.',
      list_customers: 'A filtered page of Quentli customers.',
    },
  },
});
