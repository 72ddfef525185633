/** Normalization (CONTRACT §4): summary and full, through the MCP Client, including edge cases. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listedCustomerSchema } from '../../src/customer.js';
import type { QuentliRawCustomer } from '../../src/sandbox/quentli/emulator.js';
import { utc } from '../helpers/timestamps.js';
import { type ListPage, type QuentliRig, startRig } from './setup.js';

let rig: QuentliRig;
let truth: QuentliRawCustomer[];
beforeAll(async () => {
  rig = await startRig();
  truth = rig.fake.visible();
});
afterAll(() => rig.close());

type Got = { customer: Record<string, unknown> };

/** Adds a customer to the sandbox organization, starting from a seeded one. */
function addCustomer(changes: Record<string, unknown>, drop: string[] = []): string {
  const base = rig.fake.records[0]?.raw as QuentliRawCustomer;
  const raw: Record<string, unknown> = { ...base, ...changes };
  for (const key of drop) delete raw[key];
  rig.fake.records.push({ raw: raw as unknown as QuentliRawCustomer, payments: 0 });
  return raw.id as string;
}

describe('seeded customers', () => {
  it('summary maps username, phoneNumber, archivedAt and meta; created_at in UTC, no updated_at', async () => {
    const raw = truth.find(
      (c) => c.archivedAt && c.email && c.metadata.length > 0,
    ) as QuentliRawCustomer;
    const got = await rig.call<Got>('get', { id: raw.id });
    expect(got.customer).toEqual({
      provider: 'quentli',
      id: raw.id,
      external_id: raw.username,
      name: raw.name,
      email: raw.email,
      phone: raw.phoneNumber,
      status: 'archived',
      created_at: utc(raw.createdAt),
      metadata: raw.meta,
    });
  });

  it('full adds address null and every other field, snake_cased, nothing lost', async () => {
    const raw = truth.find((c) => !c.archivedAt && c.metadata.length > 0) as QuentliRawCustomer;
    const { customer } = await rig.call<Got>('get', { id: raw.id, detail: 'full' });
    expect(customer.status).toBe('active');
    expect(customer.address).toBeNull();
    expect(customer.details).toEqual({
      organization_id: raw.organizationId,
      accepted_service_agreement: raw.acceptedServiceAgreement,
      skip_tax_invoice: raw.skipTaxInvoice,
      email_verified: raw.emailVerified,
      phone_number_verified: raw.phoneNumberVerified,
      has_changed_password: raw.hasChangedPassword,
      secondary_phone_number: raw.secondaryPhoneNumber,
      archived_at: null,
      archived_by_id: raw.archivedById,
      signature_accepted_at: raw.signatureAcceptedAt,
      opted_out_whatsapp_at: raw.optedOutWhatsappAt,
      opted_in_whatsapp_at: raw.optedInWhatsappAt,
      started_whatsapp_at: raw.startedWhatsappAt,
      reply_with_assistant: raw.replyWithAssistant,
    });
  });

  it('every listed customer fits the strict listed-Customer schema (no provider); null emails and empty metadata survive', async () => {
    const page = await rig.call<ListPage>('list', { take: 100, detail: 'full' });
    expect(page.provider).toBe('quentli');
    for (const item of page.items) listedCustomerSchema.strict().parse(item);
    const byId = new Map(page.items.map((c) => [c.id as string, c]));
    const noEmail = truth.slice(0, 100).find((c) => c.email === null) as QuentliRawCustomer;
    expect(byId.get(noEmail.id)?.email).toBeNull();
    const noMeta = truth.slice(0, 100).find((c) => c.metadata.length === 0) as QuentliRawCustomer;
    expect(byId.get(noMeta.id)?.metadata).toEqual({});
  });
});

describe('edge cases', () => {
  it('empty strings become null; metadata pairs are used when meta is missing', async () => {
    const id = addCustomer(
      {
        id: 'edge-pairs',
        email: '',
        phoneNumber: '  ',
        metadata: [{ key: 'campus', value: 'Puebla' }],
      },
      ['meta'],
    );
    const { customer } = await rig.call<Got>('get', { id, detail: 'full' });
    expect(customer).toMatchObject({ email: null, phone: null, metadata: { campus: 'Puebla' } });
    expect(customer.details).not.toHaveProperty('meta');
    expect(customer.details).not.toHaveProperty('metadata');
  });

  it('null metadata and meta give {}; meta wins over pairs on the same key', async () => {
    const nullId = addCustomer({ id: 'edge-null-meta', metadata: null, meta: null });
    expect((await rig.call<Got>('get', { id: nullId })).customer.metadata).toEqual({});
    const bothId = addCustomer({
      id: 'edge-both',
      metadata: [
        { key: 'a', value: 'old' },
        { key: 'b', value: '2' },
      ],
      meta: { a: 'new' },
    });
    expect((await rig.call<Got>('get', { id: bothId })).customer.metadata).toEqual({
      a: 'new',
      b: '2',
    });
  });

  it('missing optional keys become null, unknown extra fields land in details', async () => {
    const id = addCustomer({ id: 'edge-sparse', someNewField: { nestedKey: 1 } }, [
      'username',
      'phoneNumber',
      'updatedAt',
    ]);
    const { customer } = await rig.call<Got>('get', { id, detail: 'full' });
    expect(customer).toMatchObject({ external_id: null, phone: null, updated_at: null });
    // Field names are snake_cased; values (a nested map could hold the customer's own keys) are not.
    expect(customer.details).toMatchObject({ some_new_field: { nestedKey: 1 } });
  });

  it('a createdAt with an offset beside a field named created_at: full keeps both as sent', async () => {
    const id = addCustomer({
      id: 'edge-two-created',
      createdAt: '2025-03-26T09:04:45-04:00',
      created_at: 'a field of its own',
    });
    const { customer } = await rig.call<Got>('get', { id, detail: 'full' });
    expect(customer.created_at).toBe('2025-03-26T13:04:45Z');
    expect(customer.details).toMatchObject({
      created_at: 'a field of its own',
      createdAt: '2025-03-26T09:04:45-04:00',
    });
  });
});
