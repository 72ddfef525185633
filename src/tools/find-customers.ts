/**
 * find_customers (CONTRACT §3.3): one question to every enabled billing system at once. Each
 * section is a page of that provider's list_customers, through the very same path: its filters
 * are parsed by the provider's own list schema and its next_cursor continues P_list_customers.
 */
import { z } from 'zod';
import type { ListedCustomer } from '../customer.js';
import { type ErrorObject, ToolError } from '../errors.js';
import { sharedFilters } from '../providers/filters.js';
import { type BillingProvider, type CallContext, CUSTOMER_STATUSES } from '../providers/types.js';
import { detailInput, listInputSchema, listPage } from './customer-tools.js';
import { defineCrossProviderTool } from './define.js';
import { MAX_RESULT_BYTES, resultBytes, sectionTooLarge, toToolError } from './result.js';
import { validateArguments } from './validate.js';

const FILTERS = ['email', 'external_id', 'name', 'search'] as const;
const TAKE_ERROR = { error: 'must be a whole number from 1 to 20' };

/** Registered with two providers or more, so the list is never empty. */
function ids(providers: readonly BillingProvider[]): [string, ...string[]] {
  const [first, ...rest] = providers.map((p) => p.id);
  if (first === undefined) throw new Error('find_customers needs at least one provider');
  return [first, ...rest];
}

/** The §5 error object, as an isError body's `error` carries it (open: its other keys are optional). */
const errorObjectSchema = z.looseObject({ code: z.string(), message: z.string() });

/**
 * One section per provider asked, either a page (items, returned, has_more, next_cursor) or
 * `error`. One object with optional keys rather than a two-branch anyOf: the same information for
 * ~30 fewer tokens in every tools/list. Section rows are declared by their id only: they are
 * exactly the rows of that provider's list_customers, whose outputSchema spells them out;
 * repeating the row schema here cost ~150 tokens in every tools/list, spent instead on status and
 * note.
 */
function outputSchema(providers: readonly BillingProvider[]) {
  return z.object({
    results: z.array(
      z.object({
        provider: z.enum(ids(providers)),
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

const inputSchema = (providers: readonly BillingProvider[]) =>
  z
    .object({
      email: sharedFilters.email().optional(),
      external_id: sharedFilters.external_id().optional(),
      name: sharedFilters.name().optional(),
      search: sharedFilters.search().optional(),
      status: z.enum(CUSTOMER_STATUSES).optional().describe('Only this status (default: all).'),
      providers: z
        .array(z.enum(ids(providers)))
        .min(1, { error: 'name at least one provider' })
        .optional()
        .describe('Only these providers (default: all).'),
      take: z
        .number()
        .int(TAKE_ERROR)
        .min(1, TAKE_ERROR)
        .max(20, TAKE_ERROR)
        .default(5)
        .describe('Rows per provider, 1-20.'),
      detail: detailInput,
    })
    .strict()
    .refine((args) => FILTERS.some((key) => args[key] !== undefined), {
      error: 'give at least one of email, external_id, name or search',
    });

type FindArgs = z.output<ReturnType<typeof inputSchema>>;

type FailedSection = { provider: string; error: ErrorObject };
type PageSection = {
  provider: string;
  items: ListedCustomer[];
  returned: number;
  has_more: boolean;
  next_cursor: string | null;
  statuses: string[];
  note?: string;
};
type Section = FailedSection | PageSection;

/** Room for `{"results":[…]}` and the JSON-RPC envelope around the sections. */
const ENVELOPE_BYTES = 4096;

/**
 * The result-size bound (see result.ts), applied section by section: while the sections together
 * are over it, the largest page gives way to an error saying how to ask for less. One provider's
 * oversized answer never hides the others' (CONTRACT §3.3); only what does not fit is dropped.
 */
function fitSections(results: Section[]): Section[] {
  const budget = MAX_RESULT_BYTES - ENVELOPE_BYTES;
  const share = budget / results.length;
  const sized = results.map((section) => ({ section, bytes: resultBytes(section) }));
  let total = sized.reduce((sum, { bytes }) => sum + bytes, 0);
  while (total > budget) {
    let largest: { section: PageSection; bytes: number; at: number } | undefined;
    sized.forEach(({ section, bytes }, at) => {
      if ('error' in section) return;
      if (largest === undefined || bytes > largest.bytes) largest = { section, bytes, at };
    });
    if (largest === undefined) break;
    const { provider, returned } = largest.section;
    const error = sectionTooLarge(provider, returned, largest.bytes, share);
    const replaced: FailedSection = { provider, error: error.toJSON().error };
    const bytes = resultBytes(replaced);
    sized[largest.at] = { section: replaced, bytes };
    total += bytes - largest.bytes;
  }
  return sized.map(({ section }) => section);
}

/** Every provider failed: the §5 error body, plus each provider's own error. */
class EveryProviderFailed extends ToolError {
  constructor(readonly sections: FailedSection[]) {
    const codes = new Set(sections.map((s) => s.error.code));
    const [only] = codes;
    super(
      codes.size === 1 && only !== undefined ? only : 'upstream_error',
      `No billing system answered. ${sections.map((s) => `${s.provider}: ${s.error.message}`).join(' | ')}`,
      { retryable: sections.some((s) => s.error.retryable === true) },
    );
  }

  override toJSON() {
    return { ...super.toJSON(), results: this.sections };
  }
}

export const findCustomers = defineCrossProviderTool({
  name: 'find_customers',
  minProviders: 2,
  title: 'Find a customer in every billing system',
  description: (providers) =>
    `Returns the customers of any status matching email (any case), external_id, name or search in each billing system (${providers.map((p) => p.displayName).join(', ')}), all asked at once. ` +
    'Use it for "which customer is this?". A section names the statuses it asked (a note: what it could not) and its next_cursor alone continues that list; a failed one holds its error.',
  inputSchema,
  outputSchema,
  prepare: (providers) => {
    // Each provider with its own list schema, built once (zod compiles a schema on first parse).
    const sections = providers.map((provider) => ({
      provider,
      listSchema: listInputSchema(provider),
    }));

    async function section(
      { provider, listSchema }: (typeof sections)[number],
      args: FindArgs,
      context: CallContext,
    ): Promise<Section> {
      const plan = provider.statusPlan(args.status);
      const asked = { statuses: plan.statuses, ...(plan.note ? { note: plan.note } : {}) };
      if (plan.filters === null) {
        const empty = { items: [], returned: 0, has_more: false, next_cursor: null };
        return { provider: provider.id, ...empty, ...asked };
      }
      try {
        const filters = Object.fromEntries(
          FILTERS.filter((key) => args[key] !== undefined).map((key) => [key, args[key]]),
        );
        // The provider's own list schema applies its filter rules and defaults, as the list tool
        // does; the status plan's filters (e.g. Flexprice's status "any") travel in next_cursor.
        const listArgs = validateArguments(
          listSchema,
          { ...filters, ...plan.filters, take: args.take, detail: args.detail },
          provider.id,
        );
        const page = await listPage(provider, listArgs, context);
        const { items, returned, has_more, next_cursor } = page;
        return { provider: provider.id, items, returned, has_more, next_cursor, ...asked };
      } catch (error) {
        return { provider: provider.id, error: toToolError(error, provider.id).toJSON().error };
      }
    }

    return async (args, context) => {
      const asked = sections.filter(
        ({ provider }) => args.providers?.includes(provider.id) ?? true,
      );
      let done = 0;
      const answered = async (part: (typeof sections)[number]) => {
        const result = await section(part, args, context);
        const outcome = 'error' in result ? result.error.code : `${result.returned} found`;
        context.progress?.(++done, asked.length, `${part.provider.displayName}: ${outcome}`);
        return result;
      };
      const results = fitSections(await Promise.all(asked.map(answered)));
      const failed = results.filter((r): r is FailedSection => 'error' in r);
      if (failed.length === results.length) throw new EveryProviderFailed(failed);
      return { results };
    };
  },
});
