/**
 * The normalized customer (CONTRACT §4): one zod schema that is the type, the base of the tools'
 * output schemas (beside the tools, in src/tools/) and the test oracle.
 */
import { z } from 'zod';

const nullableText = z.string().nullable();

export const addressSchema = z.object({
  line1: nullableText,
  line2: nullableText,
  city: nullableText,
  state: nullableText,
  postal_code: nullableText,
  country: nullableText,
});

export type Address = z.infer<typeof addressSchema>;

export const customerSchema = z.object({
  // Each tool's output schema pins it to that tool's provider id.
  provider: z.string(),
  id: z.string(),
  external_id: nullableText,
  name: nullableText,
  email: nullableText,
  phone: nullableText,
  status: z.string(),
  created_at: nullableText,
  metadata: z.record(z.string(), z.string()),
  // Only with detail "full". Loose here because this schema is also every tool's outputSchema (tokens);
  // `addressSchema` is the exact shape, and the tests hold the providers to it.
  updated_at: nullableText.optional(),
  address: z.looseObject({}).nullable().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Maple rows filtered on MRR/ARR show the value they were filtered on, since a summary
 * otherwise has no money: declared in Maple's list output only, where it can appear.
 */
export const filteredMoneySchema = z.object({
  mrr_cents: z.number().int().nullable().optional(),
  arr_cents: z.number().int().nullable().optional(),
});

export type Customer = z.infer<typeof customerSchema> & z.infer<typeof filteredMoneySchema>;

/** A customer inside a list page or a find section: the page names the provider once (CONTRACT §4). */
export const listedCustomerSchema = customerSchema.omit({ provider: true });
export type ListedCustomer = z.infer<typeof listedCustomerSchema>;

export function listed({ provider: _named, ...customer }: Customer): ListedCustomer {
  return customer;
}

export const DETAIL_LEVELS = ['summary', 'full'] as const;
export type DetailLevel = (typeof DETAIL_LEVELS)[number];

/** The part only `detail: "full"` carries; built on demand, since most calls never need it. */
export type CustomerExtras = { address: Address | null; details: Record<string, unknown> };
