/** The one provider interface: tools and the server see only this, never a provider's HTTP or JSON. */
import type { z } from 'zod';
import type { Customer, DetailLevel } from '../customer.js';

export type { ProviderId } from './registry.js';

export interface CallContext {
  /** From the MCP request: aborts the upstream call when the client cancels. */
  signal?: AbortSignal;
  /** "full" adds address and details to each customer; summary (the default) skips that work. */
  detail?: DetailLevel;
  /**
   * Set when the client asked for progress (a progressToken): a tool with several parts (a
   * find_customers section per provider) reports each part done. The message names no customer.
   */
  progress?: (done: number, total: number, message: string) => void;
}

/** Exactly one of the two, already validated. */
export type CustomerRef = { id: string } | { externalId: string };

export interface PageRequest<F> {
  /** The provider's own filter inputs, already validated by `listFilters`. */
  filters: F;
  skip: number;
  take: number;
  /** Continuation state this provider put in the previous page's cursor (Maple's `from_key`), else null. */
  resume: string | null;
}

export interface ProviderPage {
  items: Customer[];
  /** Exact: true only if at least one row exists after this page. */
  hasMore: boolean;
  /** The provider's match count where it reports one. */
  total: number | null;
  /** State to carry in `next_cursor` so the next page costs one request (Maple); else omitted. */
  resume?: string | null;
}

/** The customer statuses an identity question may ask about (CONTRACT §3.3). */
export const CUSTOMER_STATUSES = ['active', 'archived', 'deleted'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** How this provider's list asks for one status, or for every status (find_customers). */
export interface StatusPlan {
  /** List filters that ask for it; null when the provider has no such status (nothing to ask). */
  filters: Record<string, unknown> | null;
  /** The statuses the rows it returns can have. */
  statuses: CustomerStatus[];
  /** The part of the question this provider cannot answer, said in its section; else absent. */
  note?: string;
}

export interface BillingProvider<F extends Record<string, unknown> = Record<string, unknown>> {
  /** Its registry entry's id (providers/descriptor.ts): the tool prefix. */
  readonly id: string;
  /** As users know it: 'Quentli', 'Flexprice', 'Maple Billing'. */
  readonly displayName: string;
  /** The filters this provider's API applies server-side (CONTRACT §3.2), merged into list_customers' input. */
  readonly listFilters: z.ZodObject<z.ZodRawShape>;
  /** Fields its list rows may carry besides the normalized customer (Maple's filtered money). */
  readonly listRowShape?: z.ZodRawShape;
  /** One sentence per provider for tool descriptions: what its ids look like, quirks worth knowing. */
  readonly idHint: string;
  /** Seals this provider's next_cursor: derived from its credentials (providers/cursor-key.ts). */
  readonly cursorKey: Uint8Array;
  /** The list filters that ask for `status` (undefined: every status this provider has). */
  statusPlan(status: CustomerStatus | undefined): StatusPlan;
  getCustomer(ref: CustomerRef, context: CallContext): Promise<Customer>;
  listCustomers(request: PageRequest<F>, context: CallContext): Promise<ProviderPage>;
}

/** What a provider needs from configuration; the bin builds it from env, the sandbox from its emulators. */
export interface ProviderSettings {
  /** Origin plus the API prefix, no trailing slash: 'https://api.quentli.com/v1'. */
  baseUrl: string;
  apiKey: string;
  /** The provider's extra settings by their descriptor key (Maple: `companyId`), already validated. */
  extras?: Readonly<Record<string, string>>;
  /** What an `unauthorized` error tells the user to check, when not the provider's env variables. */
  credentialHint?: string;
}
