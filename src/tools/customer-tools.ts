/** The tool table: two read-only tools, bound to each enabled provider as `<provider>_<operation>`. */
import { z } from 'zod';
import { DETAIL_LEVELS, getCustomerOutputSchema, listCustomersOutputSchema } from '../customer.js';
import { safeString } from '../providers/filters.js';
import type { BillingProvider, CallContext } from '../providers/types.js';
import { decodeCursor, encodeCursor, queryFingerprint } from './cursor.js';

export const READ_ONLY_API = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const;

export interface ToolDefinition {
  operation: string;
  title: (provider: BillingProvider) => string;
  description: (provider: BillingProvider) => string;
  inputSchema: (provider: BillingProvider) => z.ZodType<Record<string, unknown>>;
  outputSchema: (provider: BillingProvider) => z.ZodObject;
  run: (
    provider: BillingProvider,
    args: never,
    context: CallContext,
  ) => Promise<Record<string, unknown>>;
}

const detailInput = z
  .enum(DETAIL_LEVELS)
  .default('summary')
  .describe('"summary" (default) or "full" (adds address and all other provider fields).');

const PAGE_INPUTS = {
  skip: z
    .number()
    .int({ error: 'must be a whole number ≥ 0' })
    .min(0, { error: 'must be a whole number ≥ 0' })
    .default(0)
    .describe('Rows to skip.'),
  take: z
    .number()
    .int({ error: 'must be a whole number from 1 to 100' })
    .min(1, { error: 'must be a whole number from 1 to 100' })
    .max(100, { error: 'must be a whole number from 1 to 100' })
    .default(20)
    .describe('Page size, 1-100.'),
  cursor: z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(2000, { error: 'is too long to be a cursor' })
    .optional()
    .describe('next_cursor of the previous page (same filters); overrides skip.'),
  detail: detailInput,
};

const getInputSchema = (provider: BillingProvider) =>
  z
    .object({
      id: safeString(`${provider.displayName} customer id. ${provider.idHint}`).optional(),
      external_id: safeString("The customer's id in your own system (the external id).").optional(),
      detail: detailInput,
    })
    .strict()
    .refine((args) => (args.id === undefined) !== (args.external_id === undefined), {
      error: 'give exactly one of id or external_id',
    });

const listInputSchema = (provider: BillingProvider) =>
  z.object({ ...provider.listFilters.shape, ...PAGE_INPUTS }).strict();

type GetArgs = z.infer<ReturnType<typeof getInputSchema>>;
type ListArgs = z.infer<ReturnType<typeof listInputSchema>> &
  z.infer<z.ZodObject<typeof PAGE_INPUTS>>;

const getCustomer: ToolDefinition = {
  operation: 'get_customer',
  title: (p) => `Get a ${p.displayName} customer`,
  description: (p) =>
    `Returns one ${p.displayName} customer, normalized (id, external_id, name, email, phone, status, dates, metadata), by id or external_id. ` +
    `To find a customer by email, name or text, use ${p.id}_list_customers.`,
  inputSchema: getInputSchema,
  outputSchema: (p) => getCustomerOutputSchema(p.id),
  run: async (provider, args: GetArgs, context) => {
    const ref =
      args.id !== undefined ? { id: args.id } : { externalId: args.external_id as string };
    return { customer: await provider.getCustomer(ref, { ...context, detail: args.detail }) };
  },
};

const listCustomers: ToolDefinition = {
  operation: 'list_customers',
  title: (p) => `List ${p.displayName} customers`,
  description: (p) =>
    `Returns a page of ${p.displayName} customers, normalized, filtered server-side, with has_more, next_skip and next_cursor. ` +
    `Prefer filters (email, external_id, name, search) over paging through everything; pass next_cursor to continue.`,
  inputSchema: listInputSchema,
  outputSchema: (p) => listCustomersOutputSchema(p.id),
  run: async (provider, args: ListArgs, context) => {
    const { skip, take, cursor, detail, ...filters } = args;
    const query = queryFingerprint(filters);
    const start = cursor ? decodeCursor(cursor, provider.id, query) : { skip, resume: null };
    const page = await provider.listCustomers({ filters, take, ...start }, { ...context, detail });
    const returned = page.items.length;
    const hasMore = page.hasMore && returned > 0;
    const nextSkip = hasMore ? start.skip + returned : null;
    return {
      provider: provider.id,
      items: page.items,
      skip: start.skip,
      take,
      returned,
      has_more: hasMore,
      next_skip: nextSkip,
      next_cursor:
        nextSkip === null
          ? null
          : encodeCursor(provider.id, query, { skip: nextSkip, resume: page.resume ?? null }),
      total: page.total,
    };
  },
};

export const CUSTOMER_TOOLS: readonly ToolDefinition[] = [getCustomer, listCustomers];
