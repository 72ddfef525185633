import { describe, expect, it } from 'vitest';
import {
  instant,
  MAX_DATA_DEPTH,
  plainData,
  remainingDetails,
  snakeCase,
  stringMap,
  TOO_DEEP,
  text,
} from '../../src/providers/normalize-shared.js';
import { nestedJson } from '../../src/sandbox/hostile.js';

describe('normalize helpers', () => {
  it('text: missing, null, blank and every non-string become null', () => {
    expect([undefined, null, '', '   '].map(text)).toEqual([null, null, null, null]);
    // CONTRACT §4 changed: a wrong-typed field is null (its raw value goes to full details).
    const hostile = [5, false, ['a'], { toString: 1 }, { toString: () => 'x' }];
    expect([text('x'), ...hostile.map(text)]).toEqual(['x', null, null, null, null, null]);
  });

  it('plainData: depth bounded by a marker, __proto__ kept as an own key, no prototype changed', () => {
    const deep = JSON.parse(nestedJson(10_000));
    const copy = plainData({ deep }) as Record<string, unknown>;
    const json = JSON.stringify(copy);
    expect(json.split('{').length - 1).toBe(MAX_DATA_DEPTH);
    expect(json).toContain(JSON.stringify(TOO_DEEP));
    const raw = JSON.parse('{"__proto__":{"polluted":1},"a":[{"__proto__":2}]}');
    const kept = plainData(raw) as Record<string, unknown>;
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(Object.hasOwn(kept, '__proto__')).toBe(true);
    expect((kept as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(kept)).toBe('{"__proto__":{"polluted":1},"a":[{"__proto__":2}]}');
  });

  it('stringMap and remainingDetails: 10,000 levels do not throw, __proto__ stays data', () => {
    const raw = JSON.parse(
      `{"id":"c","__proto__":{"x":1},"notes":${nestedJson(10_000)},"metadata":{"__proto__":"p","deep":${nestedJson(10_000)}}}`,
    );
    const metadata = stringMap(raw.metadata);
    expect(Object.keys(metadata)).toEqual(['__proto__', 'deep']);
    expect(metadata.deep).toContain(TOO_DEEP);
    const details = remainingDetails(raw, ['id', 'metadata']);
    expect(Object.keys(details)).toEqual(['__proto__', 'notes']);
    expect(Object.getPrototypeOf(details)).toBe(Object.prototype);
    expect(() => JSON.stringify({ metadata, details })).not.toThrow();
  });

  it('remainingDetails keeps a wrong-typed mapped text field under its name', () => {
    const raw = { id: 'c', name: { toString: 1 }, email: 'a@b.c', phoneNumber: 5 };
    const keys = ['id', 'name', 'email', 'phoneNumber'];
    expect(remainingDetails(raw, keys, ['name', 'email', 'phoneNumber'])).toEqual({
      name: { toString: 1 },
      phone_number: 5,
    });
  });

  it('stringMap: values as strings, null entries dropped, non-objects give {}', () => {
    expect(stringMap({ a: 'x', b: 2, c: true, d: null, e: { f: 1 } })).toEqual({
      a: 'x',
      b: '2',
      c: 'true',
      e: '{"f":1}',
    });
    expect([stringMap(null), stringMap([1]), stringMap('x')]).toEqual([{}, {}, {}]);
  });

  it('snakeCase handles camelCase and acronyms', () => {
    expect(['phoneNumber', 'archivedById', 'URLValue', 'already_snake'].map(snakeCase)).toEqual([
      'phone_number',
      'archived_by_id',
      'url_value',
      'already_snake',
    ]);
  });

  it('remainingDetails: unmapped fields, names in snake_case, nested maps verbatim, nothing lost', () => {
    const raw = {
      id: 'c1',
      organizationId: 'org_1',
      customerIntegrationMetadata: { hubspotId: 'A', hubspot_id: 'B' },
      skipTaxInvoice: false,
      skip_tax_invoice: 'legacy',
    };
    expect(remainingDetails(raw, ['id'])).toEqual({
      organization_id: 'org_1',
      customer_integration_metadata: { hubspotId: 'A', hubspot_id: 'B' },
      // The snake_case spelling is taken by a field of its own: the camelCase one keeps its name.
      skipTaxInvoice: false,
      skip_tax_invoice: 'legacy',
    });
  });
});

describe('instant: provider timestamps as RFC 3339 UTC (CONTRACT §4)', () => {
  it.each([
    ['2025-03-26T09:04:45.000Z', '2025-03-26T09:04:45Z', false],
    ['2025-03-26T09:04:45Z', '2025-03-26T09:04:45Z', false],
    ['2025-03-26T09:04:45.120Z', '2025-03-26T09:04:45.12Z', false],
    ['2025-03-26T09:04:45.123456Z', '2025-03-26T09:04:45.123456Z', false],
    ['2025-03-26T05:04:45.461-04:00', '2025-03-26T09:04:45.461Z', true],
    ['2025-03-26T23:30:00+05:30', '2025-03-26T18:00:00Z', true],
    ['2025-12-31T22:00:00-04:00', '2026-01-01T02:00:00Z', true],
    ['2025-03-26T09:04:45+00:00', '2025-03-26T09:04:45Z', false],
    ['2025-03-26 09:04:45.5+00', '2025-03-26T09:04:45.5Z', false],
    ['2025-03-26t09:04:45z', '2025-03-26T09:04:45Z', false],
    // RFC 3339 allows any number of fraction digits, and any year from 0000 (Date.UTC would read 0050 as 1950).
    ['2025-03-26T09:04:45.1234567891Z', '2025-03-26T09:04:45.1234567891Z', false],
    ['0050-06-01T12:00:00Z', '0050-06-01T12:00:00Z', false],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z', false],
  ])('%s → %s (raw kept in full: %s)', (raw, value, lossy) => {
    expect(instant(raw)).toEqual({ value, lossy });
  });

  it.each([
    'yesterday',
    '2025-03-26',
    '2025-03-26T09:04:45',
    '2025-02-30T00:00:00Z',
    '2025-03-26T24:00:00Z',
    '2016-12-31T23:59:60Z',
    '2025-03-26T09:04:45+25:00',
    '0000-00-00 00:00:00',
    '0000-01-01T00:00:00+01:00',
    '10000-01-01T00:00:00Z',
    '9999-12-31T23:59:59-01:00',
  ])('%s is no timestamp: null, and full keeps the raw text', (raw) => {
    expect(instant(raw)).toEqual({ value: null, lossy: true });
  });

  it('null stays null', () => {
    expect(instant(null)).toEqual({ value: null, lossy: false });
  });
});
