/** Maple Billing's descriptor: what the rest of the server knows of it (providers/descriptor.ts). */
import { defineProvider } from '../descriptor.js';
import { createMapleProvider } from './client.js';

export const MAPLE = defineProvider({
  id: 'maple',
  displayName: 'Maple Billing',
  secretEnv: 'MAPLE_API_KEY',
  baseUrlEnv: 'MAPLE_BASE_URL',
  defaultOrigin: 'https://api.maplebilling.com',
  apiPrefix: '/api/v1',
  // Every path is scoped by the company (§6): `cmp_` + a 27-character KSUID, so 128 is ample.
  extraSettings: [
    {
      key: 'companyId',
      env: 'MAPLE_COMPANY_ID',
      header: 'x-maple-company-id',
      maxLength: 128,
      published: {
        title: 'Maple Billing company id',
        description: 'Your company id (cmp_…), required with the Maple token.',
        registryDescription: 'Maple Billing company id (cmp_…), required with MAPLE_API_KEY.',
      },
    },
  ],
  create: createMapleProvider,
  sandbox: async () => (await import('../../sandbox/maple/emulator.js')).startMapleEmulator(),
  published: {
    key: {
      title: 'Maple Billing API token',
      description: 'Needs the company id below too. Leave empty to turn the Maple tools off.',
      registryDescription:
        'Maple Billing API token; needs MAPLE_COMPANY_ID. Leave unset to turn the Maple tools off.',
    },
    baseUrl: {
      title: 'Maple Billing API origin',
      description: 'Change only for a proxy or a test server.',
      registryDescription: 'Maple Billing API origin.',
    },
    tools: {
      get_customer: 'One Maple Billing customer by id or external_id.',
      list_customers: 'A filtered page of Maple Billing customers.',
    },
  },
});
