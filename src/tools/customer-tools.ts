/**
 * The tool table: two read-only tools bound to each enabled provider as `<provider>_<operation>`,
 * then the cross-provider tools bound once to the list of enabled providers.
 */
import { z } from 'zod';
import {
  customerSchema,
  DETAIL_LEVELS,
  type ListedCustomer,
  listed,
  listedCustomerSchema,
} from '../customer.js';
import { invalidArgument } from '../errors.js';
import { safeString } from '../providers/filters.js';
import type { BillingProvider, CallContext, CustomerRef } from '../providers/types.js';
import { decodeCursor, encodeCursor, MAX_CURSOR_CHARS, resolveCursorFilters } from './cursor.js';
import { defineProviderTool, type ProviderTool } from './define.js';
import { validateArguments } from './validate.js';

export const READ_ONLY_API = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const;

export const detailInput = z
  .enum(DETAIL_LEVELS)
  .default('summary')
  .describe('"full" adds updated_at, address and all provider fields.');

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
    .max(MAX_CURSOR_CHARS, { error: 'is too long to be a cursor' })
    .optional()
    .describe('A next_cursor; alone it continues that query. Overrides skip.'),
  detail: detailInput,
};

const getInputSchema = (provider: BillingProvider) =>
  z
    .object({
      id: safeString(`${provider.displayName} customer id. ${provider.idHint}`).optional(),
      external_id: safeString("The customer's id in your own system.").optional(),
      detail: detailInput,
    })
    .strict()
    .refine((args) => (args.id === undefined) !== (args.external_id === undefined), {
      error: 'give exactly one of id or external_id',
    });

/** list_customers' input: the provider's filters plus paging. find_customers parses through it too. */
export const listInputSchema = (provider: BillingProvider) =>
  z.object({ ...provider.listFilters.shape, ...PAGE_INPUTS }).strict();

/** Output schemas per provider: `provider` is a constant there, which is both exact and shorter. */
export function getCustomerOutputSchema(provider: Pick<BillingProvider, 'id'>) {
  return z.object({ customer: customerSchema.extend({ provider: z.literal(provider.id) }) });
}

export function listCustomersOutputSchema(provider: Pick<BillingProvider, 'id' | 'listRowShape'>) {
  return z.object({
    provider: z.literal(provider.id),
    items: z.array(
      provider.listRowShape
        ? listedCustomerSchema.extend(provider.listRowShape)
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

/** What list_customers returns; a row may carry its provider's `listRowShape` fields too. */
export type ListCustomersOutput = Omit<
  z.infer<ReturnType<typeof listCustomersOutputSchema>>,
  'items'
> & { items: ListedCustomer[] };

type GetArgs = z.output<ReturnType<typeof getInputSchema>>;
export type ListArgs = z.output<ReturnType<typeof listInputSchema>>;

const getCustomer = defineProviderTool({
  operation: 'get_customer',
  title: (p) => `Get a ${p.displayName} customer`,
  description: (p) =>
    `Returns one ${p.displayName} customer, normalized, by id or external_id. ` +
    `To find one by email, name or text, use ${p.id}_list_customers.`,
  inputSchema: getInputSchema,
  outputSchema: getCustomerOutputSchema,
  handler: async (provider, args, context) => {
    const ref = customerRef(args, provider.id);
    return { customer: await provider.getCustomer(ref, { ...context, detail: args.detail }) };
  },
});

/** The schema's refinement allows exactly one of the two; said again here for the type. */
function customerRef(args: GetArgs, provider: string): CustomerRef {
  if (args.id !== undefined) return { id: args.id };
  if (args.external_id !== undefined) return { externalId: args.external_id };
  throw invalidArgument('give exactly one of id or external_id', provider);
}

const listCustomers = defineProviderTool({
  operation: 'list_customers',
  title: (p) => `List ${p.displayName} customers`,
  description: (p) =>
    `Returns a page of ${p.displayName} customers, normalized and filtered server-side, with next_cursor. ` +
    'Prefer filters to paging through everything.',
  inputSchema: listInputSchema,
  outputSchema: listCustomersOutputSchema,
  handler: listPage,
});

/**
 * One page of list_customers, from arguments already parsed by `listInputSchema(provider)`: the one
 * list path, also behind each find_customers section, so their cursors are interchangeable.
 */
export async function listPage(
  provider: BillingProvider,
  args: ListArgs,
  context: CallContext,
): Promise<ListCustomersOutput> {
  const { skip, take, cursor, detail, ...given } = args;
  const { filters, start } = cursor
    ? continued(provider, cursor, given)
    : { filters: given, start: { skip, resume: null } };
  const page = await provider.listCustomers({ filters, take, ...start }, { ...context, detail });
  const returned = page.items.length;
  const hasMore = page.hasMore && returned > 0;
  const nextSkip = hasMore ? start.skip + returned : null;
  return {
    provider: provider.id,
    items: page.items.map(listed),
    skip: start.skip,
    take,
    returned,
    has_more: hasMore,
    next_skip: nextSkip,
    next_cursor:
      nextSkip === null
        ? null
        : encodeCursor(provider.id, provider.cursorKey, filters, {
            skip: nextSkip,
            resume: page.resume ?? null,
          }),
    total: page.total,
  };
}

/** Built once per provider: zod compiles a schema on its first parse. */
const cursorFilterSchemas = new WeakMap<BillingProvider, z.ZodType<Record<string, unknown>>>();
function cursorFilterSchema(provider: BillingProvider): z.ZodType<Record<string, unknown>> {
  let schema = cursorFilterSchemas.get(provider);
  if (!schema) {
    schema = provider.listFilters.strict();
    cursorFilterSchemas.set(provider, schema);
  }
  return schema;
}

/**
 * The query a cursor continues: its own filters (the ones given beside it must match), validated
 * again by the provider's schema, so a cursor can never carry a filter the tool would refuse.
 */
function continued(provider: BillingProvider, cursor: string, given: Record<string, unknown>) {
  const opened = decodeCursor(cursor, provider.id, provider.cursorKey);
  const query = resolveCursorFilters(opened, given, provider.id);
  const filters = validateArguments(cursorFilterSchema(provider), query, provider.id);
  return { filters, start: { skip: opened.skip, resume: opened.resume } };
}

export const CUSTOMER_TOOLS: readonly ProviderTool[] = [getCustomer, listCustomers];
