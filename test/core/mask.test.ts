/**
 * Operator masking (`BILLING_MCP_MASK`): the forms, the parser's errors, and a customer masked in
 * summary and in full details. The end-to-end pass through every provider and find_customers is in
 * test/server/masking.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/customer.js';
import { ConfigError } from '../../src/errors.js';
import { maskCustomer, maskEmail, maskPhone, parseMask } from '../../src/mask.js';

describe('mask forms', () => {
  it.each([
    ['jane@acme.com', 'j***@acme.com'],
    ['Finance@Nakatomi-Energy.example', 'F***@Nakatomi-Energy.example'],
    ['ñoño@correo.mx', 'ñ***@correo.mx'],
    ['not-an-email', '•••'],
    ['@acme.com', '•••'],
  ])('email %s → %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
  it.each([
    ['+52 55 1234 5678', '+52 ••• ••• 5678'],
    ['+1 (415) 555-0100', '+1 (•••) •••-0100'],
    ['5551234567', '•••4567'],
    ['55-12-34', '•••-12-34'],
    ['123', '•••'],
  ])('phone %s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe('parseMask', () => {
  it('reads fields and metadata keys, comma or space separated', () => {
    const spec = parseMask('email, phone metadata.tax_id');
    expect([...(spec?.fields ?? [])]).toEqual(['email', 'phone']);
    expect([...(spec?.metadataKeys ?? [])]).toEqual(['tax_id']);
    expect(parseMask('')).toBeUndefined();
    expect(parseMask(undefined)).toBeUndefined();
  });
  it('refuses an unknown field at start-up, naming the allowed ones', () => {
    expect(() => parseMask('email,name')).toThrow(ConfigError);
    expect(() => parseMask('email,name')).toThrow(/"name".*email, phone, address, metadata/);
    expect(() => parseMask('metadata.')).toThrow(ConfigError);
  });
});

const customer: Customer = {
  provider: 'maple',
  id: 'cus_1',
  external_id: 'ext_1',
  name: 'Jane Doe',
  email: 'jane@acme.com',
  phone: '+52 55 1234 5678',
  status: 'active',
  created_at: '2025-03-26T09:04:45Z',
  metadata: { tax_id: 'XAXX010101000', plan: 'gold' },
  updated_at: null,
  address: {
    line1: 'Av. Reforma 1',
    line2: null,
    city: 'CDMX',
    state: 'CDMX',
    postal_code: '06600',
    country: 'MX',
  },
  details: {
    billing_email: 'JANE@acme.com',
    contacts: [{ email: 'ops@acme.com', phone: '+52 55 1234 5678' }],
    notes: 'Write to jane@acme.com or boss@acme.com, not here.',
    tax: 'XAXX010101000',
  },
};

describe('maskCustomer', () => {
  it('masks each chosen field in summary and full, and the same values inside details', () => {
    const masked = maskCustomer(
      customer,
      parseMask('email,phone,address,metadata.tax_id') as never,
    );
    expect(masked).toMatchObject({
      name: 'Jane Doe',
      email: 'j***@acme.com',
      phone: '+52 ••• ••• 5678',
      metadata: { tax_id: '•••', plan: 'gold' },
      address: {
        line1: '•••',
        line2: null,
        city: '•••',
        state: 'CDMX',
        postal_code: '•••',
        country: 'MX',
      },
    });
    expect(masked.details).toEqual({
      billing_email: 'j***@acme.com',
      contacts: [{ email: 'o***@acme.com', phone: '+52 ••• ••• 5678' }],
      notes: 'Write to j***@acme.com or b***@acme.com, not here.',
      tax: '•••',
    });
    // The input is untouched (results may share upstream objects).
    expect(customer.email).toBe('jane@acme.com');
    expect((customer.details as { tax: string }).tax).toBe('XAXX010101000');
  });
  it('masks all of metadata with "metadata"; leaves unmasked fields alone', () => {
    const masked = maskCustomer(customer, parseMask('metadata') as never);
    expect(masked.metadata).toEqual({ tax_id: '•••', plan: '•••' });
    expect(masked.email).toBe('jane@acme.com');
  });
  it('is linear in hostile details: 1 MB of one token without separators', () => {
    const long = 'a'.repeat(1_000_000);
    const masked = maskCustomer(
      { ...customer, details: { blob: long } },
      parseMask('email') as never,
    );
    expect(masked.details).toEqual({ blob: long });
  });
});
