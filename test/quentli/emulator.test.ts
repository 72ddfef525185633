/** The fake itself, over plain HTTP: auth, validation bodies, qs grammar, scoping, routes (§12). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  QUENTLI_OTHER_ORG_KEY,
  QUENTLI_TEST_KEY,
  type QuentliEmulator,
  startQuentliEmulator,
} from '../../src/sandbox/quentli/emulator.js';
import { OTHER_ORGANIZATION, SEED_ORGANIZATION } from '../../src/sandbox/quentli/seed.js';

let fake: QuentliEmulator;
beforeAll(async () => {
  fake = await startQuentliEmulator();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.switches.missingCustomer = 'null';
  fake.switches.rejectBracketParams = true;
});

async function get(pathAndQuery: string, key: string | null = QUENTLI_TEST_KEY) {
  const response = await fetch(`${fake.emulator.baseUrl}${pathAndQuery}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

const q = (filter: string) => `/v1/customers?filter=${encodeURIComponent(filter)}`;
type Issues = { error: { message: string; issues: { code: string; path: unknown[] }[] } };

describe('auth and routes', () => {
  it.each([null, 'sk_wrong', ''])('401 without a valid bearer key (%j)', async (key) => {
    expect(await get('/v1/customers', key)).toEqual({
      status: 401,
      body: { error: { message: 'You are not authenticated' } },
    });
  });

  it('unknown routes answer 404 with a UserError body', async () => {
    expect(await get('/v1/invoices/x/y')).toEqual({
      status: 404,
      body: { error: { message: 'Not found' } },
    });
  });

  it('missing customer: 200 null by default, 404 Customer not found by switch', async () => {
    expect(await get('/v1/customers/nope')).toEqual({ status: 200, body: null });
    fake.switches.missingCustomer = '404';
    expect(await get('/v1/customers/nope')).toEqual({
      status: 404,
      body: { error: { message: 'Customer not found' } },
    });
  });

  it('scopes lists and gets to the key’s organization', async () => {
    const other = await get('/v1/customers?take=100', QUENTLI_OTHER_ORG_KEY);
    const rows = other.body as { organizationId: string; id: string }[];
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.organizationId === OTHER_ORGANIZATION)).toBe(true);
    expect((await get(`/v1/customers/${rows[0]?.id}`)).body).toBeNull();
  });
});

describe('list validation', () => {
  it('defaults to skip 0, take 20, and ignores unknown parameters such as limit', async () => {
    const { status, body } = await get('/v1/customers?limit=100');
    expect(status).toBe(200);
    expect((body as { id: string }[]).map((c) => c.id)).toEqual(
      fake
        .visible()
        .slice(0, 20)
        .map((c) => c.id),
    );
  });

  it.each([
    ['take=0', 'too_small', 'take'],
    ['take=101', 'too_big', 'take'],
    ['skip=-1', 'too_small', 'skip'],
    ['take=abc', 'invalid_type', 'take'],
    ['take=1.5', 'invalid_type', 'take'],
  ])('%s → 400 ValidationError', async (query, code, param) => {
    const { status, body } = await get(`/v1/customers?${query}`);
    expect(status).toBe(400);
    expect((body as Issues).error.message).toBe('Invalid query parameters');
    expect((body as Issues).error.issues).toMatchObject([{ code, path: [param] }]);
  });

  it.each([
    ['unknown field', 'foo=1'],
    ['unknown operator', 'name[like]=a'],
    ['operator of another kind', 'createdAt[contains]=2024'],
    ['boolean not true/false', 'emailVerified=yes'],
    ['empty date', 'archivedAt='],
    ['mode on a date', 'createdAt[gte]=2024-01-01&createdAt[mode]=insensitive'],
    ['OR as an object', 'OR[name]=a'],
    [
      'in with 22 items (qs turns it into an object)',
      Array.from({ length: 22 }, (_, i) => `id[in][${i}]=c${i}`).join('&'),
    ],
    ['depth beyond 5 (qs collapses the rest into a literal key)', 'AND[0][OR][0][email][in][0]=a'],
  ])('%s → 400', async (_, filter) => {
    const { status, body } = await get(q(filter));
    expect(status).toBe(400);
    expect((body as Issues).error.issues).toHaveLength(1);
  });

  it.each([
    ['two keys', 'createdAt=asc&name=desc'],
    ['bad direction', 'createdAt=up'],
    ['unknown key', 'meta=asc'],
  ])('orderBy %s → 400', async (_, orderBy) => {
    expect((await get(`/v1/customers?orderBy=${encodeURIComponent(orderBy)}`)).status).toBe(400);
  });

  it('rejects top-level bracket parameters (client mis-encoding), or ignores them by switch', async () => {
    expect((await get('/v1/customers?filter[name][contains]=x')).status).toBe(400);
    fake.switches.rejectBracketParams = false;
    expect((await get('/v1/customers?filter[name][contains]=x&take=3')).body).toHaveLength(3);
  });
});

describe('filter semantics', () => {
  const count = async (filter: string) =>
    ((await get(`${q(filter)}&take=100`)).body as unknown[]).length;

  it('shorthand equals; AND/NOT as an object or a list', async () => {
    const [first] = fake.visible();
    expect(await count(`username=${first?.username}`)).toBe(1);
    expect(await count(`AND[username]=${first?.username}`)).toBe(1);
    expect(await count(`NOT[username]=${first?.username}&NOT[name]=x`)).toBe(100);
    expect(await count(`AND[0][username]=${first?.username}&AND[1][name]=${first?.name}`)).toBe(1);
    expect(await count(`organizationId=${SEED_ORGANIZATION}`)).toBe(100);
  });

  it('a nested not takes the outer mode; nulls never match not', async () => {
    const withEmail = fake.visible().filter((c) => c.email !== null);
    const gmail = withEmail.filter((c) => !c.email?.toLowerCase().includes('gmail')).length;
    const filter = 'email[not][contains]=GMAIL&email[mode]=insensitive';
    let total = 0;
    for (const skip of [0, 100, 200]) {
      total += ((await get(`${q(filter)}&skip=${skip}&take=100`)).body as unknown[]).length;
    }
    expect(total).toBe(gmail);
    expect(total).toBeLessThan(withEmail.length);
  });
});
