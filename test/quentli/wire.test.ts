/** Wire format: exactly what the emulator received (providers/quentli.md §7.4, §9.1). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeListQuery, QUENTLI_TEST_KEY } from '../../src/sandbox/quentli/emulator.js';
import { lastQuery, type QuentliRig, startRig } from './setup.js';

let rig: QuentliRig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(() => rig.close());
beforeEach(() => rig.fake.emulator.clearLog());

// The filter values are §7.4's, byte for byte; with no order_by the client adds its explicit
// default order (providers/quentli.md §5.1), so each query also carries orderBy=createdAt=asc.
describe('§7.4 examples, byte for byte', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'doc example',
      {
        where: [
          { field: 'name', op: 'contains', value: 'john' },
          { field: 'noPayments', op: 'equals', value: true, group: 'OR' },
        ],
      },
      'filter=name%5Bcontains%5D%3Djohn%26OR%5B0%5D%5BnoPayments%5D%3Dtrue&orderBy=createdAt%3Dasc&take=100',
    ],
    [
      'exact username',
      { external_id: 'A-1029' },
      'filter=username%5Bequals%5D%3DA-1029&orderBy=createdAt%3Dasc&take=100',
    ],
    [
      'case-insensitive name',
      { name: 'juan' },
      'filter=name%5Bcontains%5D%3Djuan%26name%5Bmode%5D%3Dinsensitive&orderBy=createdAt%3Dasc&take=100',
    ],
    [
      'email in a set',
      { where: [{ field: 'email', op: 'in', value: ['a@x.com', 'b@x.com'] }] },
      'filter=email%5Bin%5D%5B0%5D%3Da%2540x.com%26email%5Bin%5D%5B1%5D%3Db%2540x.com&orderBy=createdAt%3Dasc&take=100',
    ],
    [
      'created in January 2025',
      { created_after: '2025-01-01T00:00:00Z', created_before: '2025-02-01T00:00:00.000Z' },
      'filter=createdAt%5Bgte%5D%3D2025-01-01T00%253A00%253A00.000Z%26createdAt%5Blt%5D%3D2025-02-01T00%253A00%253A00.000Z&orderBy=createdAt%3Dasc&take=100',
    ],
    [
      'email OR phone',
      {
        where: [
          { field: 'email', op: 'equals', value: 'x+y@z.mx', group: 'OR' },
          { field: 'phoneNumber', op: 'endsWith', value: '45678', group: 'OR' },
        ],
      },
      'filter=OR%5B0%5D%5Bemail%5D%5Bequals%5D%3Dx%252By%2540z.mx%26OR%5B1%5D%5BphoneNumber%5D%5BendsWith%5D%3D45678&orderBy=createdAt%3Dasc&take=100',
    ],
    [
      'exclude one name',
      { where: [{ field: 'name', op: 'contains', value: 'Test', group: 'NOT' }] },
      'filter=NOT%5B0%5D%5Bname%5D%5Bcontains%5D%3DTest&orderBy=createdAt%3Dasc&take=100',
    ],
    ['orderBy', { order_by: { field: 'created_at' } }, 'orderBy=createdAt%3Ddesc&take=100'],
  ];
  it.each(cases)('%s', async (_, args, query) => {
    await rig.call('list', { ...args, take: 99 });
    expect(lastQuery(rig.fake)).toBe(query);
  });

  it('sends skip when it is not 0, after filter and orderBy', async () => {
    await rig.call('list', {
      name: 'a',
      order_by: { field: 'name', direction: 'asc' },
      skip: 40,
      take: 20,
    });
    expect(lastQuery(rig.fake)).toBe(
      'filter=name%5Bcontains%5D%3Da%26name%5Bmode%5D%3Dinsensitive&orderBy=name%3Dasc&skip=40&take=21',
    );
  });

  it('encodes hostile values inside the qs value, never as extra parameters', async () => {
    await rig.call('list', { name: 'a&take=1#x y+%/é~' });
    const params = new URLSearchParams(lastQuery(rig.fake));
    expect([...params.keys()]).toEqual(['filter', 'orderBy', 'take']);
    expect(decodeListQuery(lastQuery(rig.fake)).filter).toEqual({
      name: { contains: 'a&take=1#x y+%/é~', mode: 'insensitive' },
    });
  });
});

describe('what the emulator decoded, per list input', () => {
  // No order_by given: the client still sends an explicit order (providers/quentli.md §5.1).
  const DEFAULT_ORDER = { createdAt: 'asc' };
  const search = (text: string) =>
    ['name', 'email', 'username', 'phoneNumber'].map((f) => ({
      [f]: { contains: text, mode: 'insensitive' },
    }));
  const cases: [
    string,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
  ][] = [
    [
      'email',
      { email: 'Ana@X.com' },
      { email: { equals: 'Ana@X.com', mode: 'insensitive' } },
      DEFAULT_ORDER,
    ],
    [
      'external_id',
      { external_id: 'A01230037' },
      { username: { equals: 'A01230037' } },
      DEFAULT_ORDER,
    ],
    [
      'name',
      { name: 'Pérez' },
      { name: { contains: 'Pérez', mode: 'insensitive' } },
      DEFAULT_ORDER,
    ],
    ['search', { search: '55 12' }, { OR: search('55 12') }, DEFAULT_ORDER],
    [
      'created_after',
      { created_after: '2024-03-01T06:00:00-06:00' },
      { createdAt: { gte: '2024-03-01T12:00:00.000Z' } },
      DEFAULT_ORDER,
    ],
    [
      'created_before',
      { created_before: '2024-03-01T00:00:00Z' },
      { createdAt: { lt: '2024-03-01T00:00:00.000Z' } },
      DEFAULT_ORDER,
    ],
    [
      'order_by created_at',
      { order_by: { field: 'created_at', direction: 'asc' } },
      {},
      { createdAt: 'asc' },
    ],
    ['order_by updated_at', { order_by: { field: 'updated_at' } }, {}, { updatedAt: 'desc' }],
    ['order_by name', { order_by: { field: 'name', direction: 'desc' } }, {}, { name: 'desc' }],
    [
      'where, every group, merged with shared inputs and search',
      {
        email: 'a@x.com',
        search: 'juan',
        where: [
          { field: 'email', op: 'endsWith', value: '.mx' },
          { field: 'createdAt', op: 'lt', value: '2025-01-01T00:00:00+00:00' },
          { field: 'emailVerified', op: 'equals', value: true, group: 'OR' },
          { field: 'phoneNumberVerified', op: 'not', value: false, group: 'OR' },
          { field: 'username', op: 'notIn', value: ['A1', 'A2'], group: 'NOT', insensitive: true },
        ],
      },
      {
        email: { equals: 'a@x.com', mode: 'insensitive' },
        createdAt: { lt: '2025-01-01T00:00:00.000Z' },
        OR: [{ emailVerified: { equals: 'true' } }, { phoneNumberVerified: { not: 'false' } }],
        AND: [{ email: { endsWith: '.mx' } }, { OR: search('juan') }],
        NOT: [{ username: { notIn: ['A1', 'A2'], mode: 'insensitive' } }],
      },
      DEFAULT_ORDER,
    ],
  ];
  it.each(cases)('%s', async (_, args, filter, orderBy) => {
    await rig.call('list', args);
    const decoded = decodeListQuery(lastQuery(rig.fake));
    expect(decoded.filter).toEqual(filter);
    expect(decoded.orderBy).toEqual(orderBy);
  });
});

describe('requests', () => {
  it('sends the key as a bearer token and asks for JSON', async () => {
    await rig.call('list', { take: 1 });
    const { headers, method, rawPath } = rig.fake.emulator.requests[0] ?? {};
    expect({ method, rawPath }).toEqual({ method: 'GET', rawPath: '/v1/customers' });
    expect(headers?.authorization).toBe(`Bearer ${QUENTLI_TEST_KEY}`);
    expect(headers?.accept).toBe('application/json');
  });

  it('gets by id at /v1/customers/{id} and by external id with a username filter, take 2', async () => {
    const [first] = rig.fake.visible();
    await rig.call('get', { id: first?.id });
    await rig.call('get', { external_id: first?.username });
    const [byId, byExternal] = rig.fake.emulator.requests;
    expect(byId?.rawPath).toBe(`/v1/customers/${first?.id}`);
    expect(byExternal?.rawPath).toBe('/v1/customers');
    expect(byExternal?.rawQuery).toBe(`filter=username%5Bequals%5D%3D${first?.username}&take=2`);
  });
});
