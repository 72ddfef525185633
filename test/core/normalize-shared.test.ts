import { describe, expect, it } from 'vitest';
import {
  remainingDetails,
  snakeCase,
  stringMap,
  text,
} from '../../src/providers/normalize-shared.js';

describe('normalize helpers', () => {
  it('text: missing, null and blank become null; other values pass as strings', () => {
    expect([undefined, null, '', '   '].map(text)).toEqual([null, null, null, null]);
    expect([text('x'), text(5), text(false)]).toEqual(['x', '5', 'false']);
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
