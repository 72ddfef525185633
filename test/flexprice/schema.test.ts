/** Token budget: the filters' JSON Schema and this provider's share of tools/list. */
import { encode } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flexpriceListFilters } from '../../src/providers/flexprice/filters.js';
import { type Harness, startHarness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('schema size', () => {
  it('listFilters JSON Schema is at most 1,800 characters', () => {
    const schema = z.toJSONSchema(flexpriceListFilters, { target: 'draft-7', io: 'input' });
    const text = JSON.stringify(schema);
    expect(text.length).toBeLessThanOrEqual(1800);
    expect(text).not.toContain('$ref');
  });

  it("list_customers' input schema (shared paging inputs + these filters) stays under 600 tokens", async () => {
    // With no filters at all the two tools cost ~1,234 tokens (mostly the shared output schemas);
    // these filters add ~390. The 4,000-token total for six tools is the lead's to balance.
    const { tools } = await h.client.listTools();
    expect(tools.map((t) => t.name)).toStrictEqual([
      'flexprice_get_customer',
      'flexprice_list_customers',
    ]);
    const list = tools.find((t) => t.name === 'flexprice_list_customers');
    expect(encode(JSON.stringify(list?.inputSchema)).length).toBeLessThanOrEqual(600);
  });

  it('every filter property carries a description', async () => {
    const { tools } = await h.client.listTools();
    const list = tools.find((t) => t.name === 'flexprice_list_customers');
    const properties = Object.values(list?.inputSchema.properties ?? {}) as {
      description?: string;
    }[];
    expect(properties.length).toBe(13);
    for (const property of properties) expect(property.description).toBeTruthy();
  });
});
