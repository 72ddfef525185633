/**
 * A fourth provider defined entirely under test/, the way docs/adding-a-provider.md says: its
 * client (the one Upstream, a list schema, a normalizer) and its descriptor, one registry entry.
 * Nothing in src/ knows it exists.
 */
import { z } from 'zod';
import type { Customer, DetailLevel } from '../../src/customer.js';
import { ConfigError, ToolError } from '../../src/errors.js';
import { cursorKeyFor } from '../../src/providers/cursor-key.js';
import { defineProvider } from '../../src/providers/descriptor.js';
import { sharedFilters } from '../../src/providers/filters.js';
import {
  type RawCustomer,
  rawCustomerSchema,
  text,
  withDetail,
} from '../../src/providers/normalize-shared.js';
import type { BillingProvider, ProviderSettings } from '../../src/providers/types.js';
import { segment } from '../../src/upstream/path.js';
import { type HttpSettings, Upstream } from '../../src/upstream/upstream.js';
import { startTallyEmulator } from './emulator.js';

const listFilters = z.object({
  email: sharedFilters.email().optional(),
  external_id: sharedFilters.external_id().optional(),
});
type TallyFilters = z.infer<typeof listFilters>;

const pageSchema = z.looseObject({ data: z.array(rawCustomerSchema) });

function normalize(raw: RawCustomer, detail?: DetailLevel): Customer {
  const summary: Customer = {
    provider: 'tally',
    id: raw.id,
    external_id: text(raw.external_ref),
    name: text(raw.full_name),
    email: text(raw.email),
    phone: null,
    status: 'active',
    created_at: text(raw.created),
    metadata: {},
  };
  return withDetail(summary, detail, () => ({ address: null, details: {} }));
}

export function createTallyProvider(
  settings: ProviderSettings,
  http: HttpSettings,
): BillingProvider<TallyFilters> {
  const workspace = settings.extras?.workspaceId;
  if (!workspace) throw new ConfigError('TALLY_WORKSPACE_ID is required with TALLY_API_KEY.');
  const upstream = new Upstream({
    displayName: 'Tally Books',
    providerId: 'tally',
    baseUrl: settings.baseUrl,
    headers: { authorization: `Token ${settings.apiKey}` },
    credentialHint: settings.credentialHint ?? 'TALLY_API_KEY and TALLY_WORKSPACE_ID',
    errorMessage: (body) => (body as { message?: unknown } | null)?.message,
    http,
  });
  const path = `/workspaces/${segment(workspace)}/customers`;
  const list = (query: Record<string, string>, signal?: AbortSignal) =>
    upstream.request({
      method: 'GET',
      path,
      query: new URLSearchParams(query).toString(),
      schema: pageSchema,
      signal,
    });
  return {
    id: 'tally',
    displayName: 'Tally Books',
    cursorKey: cursorKeyFor('tally', settings),
    listFilters,
    idHint: 'Starts with tc_.',
    statusPlan: (status) =>
      status === undefined || status === 'active'
        ? { filters: {}, statuses: ['active'] }
        : {
            filters: null,
            statuses: [],
            note: 'Tally Books has active customers only: not asked.',
          },
    async getCustomer(ref, { signal, detail }) {
      if ('id' in ref) {
        const raw = await upstream.request({
          method: 'GET',
          path: `${path}/${segment(ref.id)}`,
          schema: rawCustomerSchema,
          signal,
          notFoundMessage: `Tally Books has no customer with id ${JSON.stringify(ref.id)}.`,
        });
        return normalize(raw, detail);
      }
      const { data } = await list({ external_ref: ref.externalId, limit: '2' }, signal);
      const [only] = data;
      if (data.length !== 1 || !only) {
        throw new ToolError('not_found', 'Tally Books has no such external_id.', {
          provider: 'tally',
          httpStatus: 200,
          retryable: false,
        });
      }
      return normalize(only, detail);
    },
    async listCustomers({ filters, skip, take }, { signal, detail }) {
      const query: Record<string, string> = { offset: String(skip), limit: String(take + 1) };
      if (filters.email !== undefined) query.email = filters.email;
      if (filters.external_id !== undefined) query.external_ref = filters.external_id;
      const { data } = await list(query, signal);
      return {
        items: data.slice(0, take).map((raw) => normalize(raw, detail)),
        hasMore: data.length > take,
        total: null,
      };
    },
  };
}

/** The one registry entry: what config, headers, cancellation, sandbox and doctor derive from. */
export const TALLY = defineProvider({
  id: 'tally',
  displayName: 'Tally Books',
  secretEnv: 'TALLY_API_KEY',
  baseUrlEnv: 'TALLY_BASE_URL',
  defaultOrigin: 'https://api.tally.invalid',
  apiPrefix: '/api/v2',
  extraSettings: [
    {
      key: 'workspaceId',
      env: 'TALLY_WORKSPACE_ID',
      header: 'x-tally-workspace-id',
      maxLength: 64,
      published: {
        title: 'Tally Books workspace',
        description: 'The workspace id (ws_…).',
        registryDescription: 'Tally Books workspace id.',
      },
    },
  ],
  create: createTallyProvider,
  sandbox: () => startTallyEmulator(),
  published: {
    key: {
      title: 'Tally Books API token',
      description: 'Leave empty to turn the Tally tools off.',
      registryDescription: 'Tally Books API token.',
    },
    baseUrl: {
      title: 'Tally Books API origin',
      description: 'Change only for a proxy or a test server.',
      registryDescription: 'Tally Books API origin.',
    },
    tools: {
      get_customer: 'One Tally Books customer by id or external_id.',
      list_customers: 'A filtered page of Tally Books customers.',
    },
  },
});
