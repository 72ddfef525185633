/** Filters are applied server-side by the emulator: every result set equals the ground truth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuentliRawCustomer } from '../../src/sandbox/quentli/emulator.js';
import { type ListPage, type QuentliRig, startRig } from './setup.js';

let rig: QuentliRig;
let truth: QuentliRawCustomer[];
beforeAll(async () => {
  rig = await startRig();
  truth = rig.fake.visible();
});
afterAll(() => rig.close());

/** Every id the tool returns for these filters, paging with next_cursor. */
async function ids(args: Record<string, unknown>): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await rig.call<ListPage<{ id: string }>>('list', {
      ...args,
      take: 100,
      ...(cursor ? { cursor } : {}),
    });
    found.push(...page.items.map((c) => c.id));
    cursor = page.next_cursor;
  } while (cursor);
  return found;
}

const idsOf = (list: QuentliRawCustomer[]) => list.map((c) => c.id);
const lower = (v: string | null) => v?.toLowerCase() ?? null;
const where = (list: QuentliRawCustomer[], test: (c: QuentliRawCustomer) => boolean) =>
  idsOf(list.filter(test));

describe('shared inputs', () => {
  it('email: exact, any case', async () => {
    const target = truth.find((c) => c.email !== null) as QuentliRawCustomer;
    expect(await ids({ email: target.email?.toUpperCase() })).toEqual([target.id]);
  });

  it('external_id: exact username', async () => {
    const target = truth[17] as QuentliRawCustomer;
    expect(await ids({ external_id: target.username })).toEqual([target.id]);
    expect(await ids({ external_id: target.username.slice(0, -1) })).toEqual([]);
  });

  it('name: contains, any case', async () => {
    const expected = where(truth, (c) => c.name.toLowerCase().includes('gonzález'));
    expect(expected.length).toBeGreaterThan(0);
    expect(await ids({ name: 'GONZÁLEZ' })).toEqual(expected);
  });

  it('search: name, email, username or phone contains, any case', async () => {
    for (const text of ['maría', '+5281', 'A0123', 'HOTMAIL']) {
      const t = text.toLowerCase();
      const expected = where(truth, (c) =>
        [c.name, c.email, c.username, c.phoneNumber].some((v) => lower(v)?.includes(t)),
      );
      expect(expected.length, text).toBeGreaterThan(0);
      expect(await ids({ search: text }), text).toEqual(expected);
    }
  });

  it('created_after (inclusive) and created_before (exclusive)', async () => {
    const from = truth[40]?.createdAt as string;
    const to = truth[90]?.createdAt as string;
    const expected = where(truth, (c) => c.createdAt >= from && c.createdAt < to);
    expect(await ids({ created_after: from, created_before: to })).toEqual(expected);
  });

  it('order_by updated_at desc, ties by id', async () => {
    const sorted = [...truth].sort((a, b) =>
      a.updatedAt === b.updatedAt ? (a.id < b.id ? -1 : 1) : a.updatedAt < b.updatedAt ? 1 : -1,
    );
    expect(await ids({ order_by: { field: 'updated_at' } })).toEqual(idsOf(sorted));
  });

  it('combines inputs with AND', async () => {
    const expected = where(
      truth,
      (c) => c.name.toLowerCase().includes('a') && c.createdAt >= '2024-01-01',
    );
    expect(await ids({ name: 'a', created_after: '2024-01-01T00:00:00Z' })).toEqual(expected);
  });
});

describe('where (native conditions)', () => {
  it('archivedAt set: a date comparison excludes nulls (SQL semantics)', async () => {
    const got = await ids({
      where: [{ field: 'archivedAt', op: 'gte', value: '2000-01-01T00:00:00Z' }],
    });
    expect(got).toEqual(where(truth, (c) => c.archivedAt !== null));
  });

  it('not and notIn exclude nulls; NOT of a condition keeps them', async () => {
    const email = truth.find((c) => c.email)?.email as string;
    const notEq = await ids({ where: [{ field: 'email', op: 'not', value: email }] });
    expect(notEq).toEqual(where(truth, (c) => c.email !== null && c.email !== email));
    const notIn = await ids({ where: [{ field: 'email', op: 'notIn', value: [email] }] });
    expect(notIn).toEqual(notEq);
    const notTrue = await ids({ where: [{ field: 'replyWithAssistant', op: 'not', value: true }] });
    expect(notTrue).toEqual(where(truth, (c) => c.replyWithAssistant === false));
    const none = await ids({
      where: [{ field: 'email', op: 'contains', value: 'gmail', group: 'NOT' }],
    });
    expect(none).toEqual(where(truth, (c) => !c.email?.includes('gmail')));
  });

  it('in lists and OR groups', async () => {
    const pick = [truth[3], truth[99], truth[200]] as QuentliRawCustomer[];
    const got = await ids({
      where: [
        { field: 'username', op: 'in', value: pick.map((c) => c.username), group: 'OR' },
        {
          field: 'phoneNumber',
          op: 'endsWith',
          value: truth[5]?.phoneNumber?.slice(-6),
          group: 'OR',
        },
      ],
    });
    const suffix = truth[5]?.phoneNumber?.slice(-6) as string;
    expect(got).toEqual(
      where(truth, (c) => pick.includes(c) || Boolean(c.phoneNumber?.endsWith(suffix))),
    );
  });

  it('booleans, case-sensitive text by default, insensitive on request', async () => {
    const verified = await ids({ where: [{ field: 'emailVerified', op: 'equals', value: true }] });
    expect(verified).toEqual(where(truth, (c) => c.emailVerified));
    const sensitive = await ids({ where: [{ field: 'name', op: 'startsWith', value: 'maría' }] });
    expect(sensitive).toEqual([]);
    const insensitive = await ids({
      where: [{ field: 'name', op: 'startsWith', value: 'maría', insensitive: true }],
    });
    expect(insensitive).toEqual(where(truth, (c) => c.name.toLowerCase().startsWith('maría')));
    expect(insensitive.length).toBeGreaterThan(0);
  });

  it('noPayments uses the payments the emulator knows about', async () => {
    const payments = new Map(rig.fake.records.map((r) => [r.raw.id, r.payments]));
    const got = await ids({ where: [{ field: 'noPayments', op: 'equals', value: true }] });
    expect(got).toEqual(where(truth, (c) => payments.get(c.id) === 0));
    expect(got.length).toBeGreaterThan(0);
  });

  it('same-field conditions merge with shared inputs and still AND', async () => {
    const got = await ids({
      created_after: '2024-01-01T00:00:00Z',
      where: [
        { field: 'createdAt', op: 'lt', value: '2024-06-01T00:00:00Z' },
        { field: 'createdAt', op: 'lt', value: '2024-04-01T00:00:00Z' },
      ],
    });
    expect(got).toEqual(
      where(truth, (c) => c.createdAt >= '2024-01-01' && c.createdAt < '2024-04-01'),
    );
  });
});
