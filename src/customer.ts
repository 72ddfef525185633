/** The normalized customer (CONTRACT §4): one zod schema that is the type, the outputSchema and the test oracle. */
import { z } from 'zod';

export const PROVIDER_IDS = ['quentli', 'flexprice', 'maple'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

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
  provider: z.enum(PROVIDER_IDS),
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

/** Output schemas per provider: `provider` is a constant there, which is both exact and shorter. */
export function getCustomerOutputSchema(provider: ProviderId) {
  return z.object({ customer: customerSchema.extend({ provider: z.literal(provider) }) });
}

export function listCustomersOutputSchema(provider: ProviderId) {
  return z.object({
    provider: z.literal(provider),
    items: z.array(
      provider === 'maple'
        ? listedCustomerSchema.extend(filteredMoneySchema.shape)
        : listedCustomerSchema,
    ),
    skip: z.number().int(),
    take: z.number().int(),
    returned: z.number().int(),
    has_more: z.boolean(),
    next_skip: z.number().int().nullable(),
    next_cursor: z.string().nullable(),
    total: z.number().int().nullable(),
  });
}

export type ListCustomersOutput = z.infer<ReturnType<typeof listCustomersOutputSchema>>;

/** The §5 error object, as an isError body's `error` carries it (open: its other keys are optional). */
export const errorObjectSchema = z.looseObject({ code: z.string(), message: z.string() });

/**
 * find_customers (CONTRACT §3.3): one section per provider asked, either a page (items, returned,
 * has_more, next_cursor) or `error`. One object with optional keys rather than a two-branch anyOf:
 * the same information for ~30 fewer tokens in every tools/list. Section rows are declared by
 * their id only: they are exactly the rows of that provider's list_customers, whose outputSchema
 * spells them out; repeating the row schema here cost ~150 tokens in every tools/list, spent
 * instead on status and note.
 */
export function findCustomersOutputSchema(providers: readonly [ProviderId, ...ProviderId[]]) {
  return z.object({
    results: z.array(
      z.object({
        provider: z.enum(providers),
        items: z
          .array(z.looseObject({ id: z.string() }))
          .optional()
          .describe("As in that provider's list_customers."),
        returned: z.number().int().optional(),
        has_more: z.boolean().optional(),
        next_cursor: z.string().nullable().optional(),
        statuses: z.array(z.string()).optional(),
        note: z.string().optional(),
        error: errorObjectSchema.optional(),
      }),
    ),
  });
}
