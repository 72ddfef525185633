import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS, type ProviderId } from '../../src/providers/registry.js';
import { structured } from '../helpers/mcp.js';
import { useSandboxClient } from '../helpers/sandbox.js';

interface Row {
  id: string;
  email: string | null;
  external_id: string | null;
  status: string;
}
interface Section {
  provider: ProviderId;
  items?: Row[];
  statuses?: string[];
  note?: string;
  next_cursor?: string | null;
  error?: { code: string; message: string };
}

const shared = useSandboxClient();

const find = async (args: Record<string, unknown>) =>
  structured<{ results: Section[] }>(
    await shared.client.callTool({ name: 'find_customers', arguments: args }),
  ).results;
const section = (results: Section[], provider: ProviderId) =>
  results.find((s) => s.provider === provider) as Section;
const list = async (provider: ProviderId, args: Record<string, unknown>) =>
  structured<{ items: Row[] }>(
    await shared.client.callTool({ name: `${provider}_list_customers`, arguments: args }),
  ).items;

/** An archived customer of each provider, found through its own list tool. */
async function archivedOf(provider: ProviderId): Promise<Row> {
  const rows =
    provider === 'quentli'
      ? await list(provider, { take: 100 }) // Quentli's list includes archived customers
      : await list(provider, { status: 'archived', take: 100 });
  const row = rows.find((r) => r.status === 'archived' && r.external_id && r.email);
  if (!row) throw new Error(`no archived ${provider} customer with an external id in the seed`);
  return row;
}

describe('find_customers: every status by default', () => {
  it('finds the archived Flexprice customer billing@sirius-media.example (was 0 rows everywhere)', async () => {
    const results = await find({ email: 'billing@sirius-media.example' });
    const flexprice = section(results, 'flexprice');
    expect(flexprice.statuses).toEqual(['active', 'archived', 'deleted']);
    expect(flexprice.items?.map((r) => [r.id, r.status])).toContainEqual([
      'cust_01KSZ576QNNS81AKP80C03QXEJ',
      'archived',
    ]);
  });

  it.each(PROVIDER_IDS)('finds an archived %s customer by external_id and by email', async (id) => {
    const archived = await archivedOf(id);
    for (const question of [{ external_id: archived.external_id }, { email: archived.email }]) {
      const own = section(await find({ ...question, take: 20 }), id);
      expect(own.error, JSON.stringify(question)).toBeUndefined();
      expect(own.items?.map((r) => r.id)).toContain(archived.id);
      expect(own.statuses).toContain('archived');
    }
  });

  it('each section names the statuses it asked', async () => {
    const results = await find({ name: 'a', take: 1 });
    expect(results.map((s) => [s.provider, s.statuses, s.note])).toEqual([
      ['quentli', ['active', 'archived'], undefined],
      ['flexprice', ['active', 'archived', 'deleted'], undefined],
      ['maple', ['active', 'archived'], undefined],
    ]);
  });
});

describe('find_customers: status', () => {
  it('archived: every section asks archived only, and every row is archived', async () => {
    const results = await find({ name: 'a', status: 'archived', take: 20 });
    for (const s of results) {
      expect(s.statuses, s.provider).toEqual(['archived']);
      expect(s.note, s.provider).toBeUndefined();
      expect(s.items?.length, s.provider).toBeGreaterThan(0);
      expect(
        s.items?.every((r) => r.status === 'archived'),
        s.provider,
      ).toBe(true);
    }
  });

  it('deleted: providers without that status say so in their section and are not asked', async () => {
    const results = await find({ name: 'a', status: 'deleted', take: 20 });
    const flexprice = section(results, 'flexprice');
    expect(flexprice.statuses).toEqual(['deleted']);
    expect(flexprice.items?.every((r) => r.status === 'deleted')).toBe(true);
    for (const id of ['quentli', 'maple'] as const) {
      const s = section(results, id);
      expect(s).toMatchObject({ items: [], statuses: [], next_cursor: null });
      expect(s.note).toMatch(/no deleted status/);
      expect(shared.sandbox.emulators[id].emulator.requests).toHaveLength(0);
    }
  });

  it('active: Quentli, which cannot ask "not archived", says so and shows every status', async () => {
    const results = await find({ name: 'a', status: 'active', take: 20 });
    const quentli = section(results, 'quentli');
    expect(quentli.statuses).toEqual(['active', 'archived']);
    expect(quentli.note).toMatch(/cannot ask for customers that are not archived/);
    for (const id of ['flexprice', 'maple'] as const) {
      expect(section(results, id).statuses).toEqual(['active']);
      expect(section(results, id).items?.every((r) => r.status === 'active')).toBe(true);
    }
  });
});

describe('find_customers: email in any case', () => {
  it('Finance@nakatomi-energy.example is found by finance@… on Flexprice (exact, case-sensitive upstream)', async () => {
    const flexprice = section(
      await find({ email: 'finance@nakatomi-energy.example' }),
      'flexprice',
    );
    expect(flexprice.items?.length).toBeGreaterThan(0);
    for (const row of flexprice.items ?? [])
      expect(row.email?.toLowerCase()).toBe('finance@nakatomi-energy.example');
  });

  it.each(PROVIDER_IDS)(
    'a %s customer is found by its email in upper and in lower case',
    async (id) => {
      const [customer] = (await list(id, { take: 50 })).filter((r) => r.email?.includes('@'));
      const email = customer?.email as string;
      for (const spelling of [email.toUpperCase(), email.toLowerCase()]) {
        const own = section(await find({ email: spelling, take: 20 }), id);
        expect(
          own.items?.map((r) => r.id),
          spelling,
        ).toContain(customer?.id);
        for (const row of own.items ?? [])
          expect(row.email?.toLowerCase()).toBe(email.toLowerCase());
      }
    },
  );
});
