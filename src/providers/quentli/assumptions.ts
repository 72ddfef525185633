/**
 * Every claim from providers/quentli.md that this client relies on, in one place. Those tagged
 * [A] are assumptions (not confirmed by Quentli): change them here when they are verified.
 */

/** [C] §5.1: `take` is 1..100; we fetch one extra row for an exact has_more, so the cap matters. */
export const MAX_UPSTREAM_TAKE = 100;

/**
 * [A] §7.2/§16: Prisma-style `mode: 'insensitive'` is accepted on string filters. Used for the
 * `email`, `name` and `search` inputs: a careful user expects "juan" to find "Juan Pérez" and
 * "Juan@X.com" to find "juan@x.com". Set to `{}` if Quentli rejects `mode`.
 */
export const CASE_INSENSITIVE: { mode?: 'insensitive' } = { mode: 'insensitive' };

/** [A] §13 (and CONTRACT §3.1): the customer's own id (external id) is Quentli's `username`. */
export const EXTERNAL_ID_FIELD = 'username';

/** CONTRACT §3.2: fields the free-text `search` input matches with `contains` (OR). */
export const SEARCH_FIELDS = ['name', 'email', 'username', 'phoneNumber'] as const;

/** [A] §8: orderBy keys for the shared order_by input (only `createdAt` is confirmed). */
export const ORDER_FIELDS = {
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  name: 'name',
} as const;

/**
 * Sent when the caller gives no order_by. §8: the order without orderBy is unknown (probably
 * database order), and §5.1 advises an explicit single key, `createdAt` ascending, so that rows
 * inserted while someone pages land at the end: skip/take stay exact only under a stable order.
 */
export const DEFAULT_ORDER_BY = { createdAt: 'asc' } as const;

/** [A] §9.4: the server decodes `filter` with default `qs.parse` options: lists ≤ 20 items, depth ≤ 5. */
export const QS_MAX_ARRAY = 20;
export const QS_MAX_DEPTH = 5;

/** [A] §7.2: the `customerFilter` grammar is a Prisma `CustomerWhereInput` subset, by field kind. */
export const STRING_FIELDS = [
  'id',
  'name',
  'username',
  'email',
  'phoneNumber',
  'secondaryPhoneNumber',
  'archivedById',
] as const;
export const DATE_FIELDS = [
  'createdAt',
  'updatedAt',
  'archivedAt',
  'signatureAcceptedAt',
  'optedOutWhatsappAt',
  'optedInWhatsappAt',
  'startedWhatsappAt',
] as const;
/** `noPayments` is Quentli's custom predicate [C exists, A semantics]: literal true/false only. */
export const BOOLEAN_FIELDS = [
  'acceptedServiceAgreement',
  'skipTaxInvoice',
  'emailVerified',
  'phoneNumberVerified',
  'hasChangedPassword',
  'replyWithAssistant',
  'noPayments',
] as const;

export const RANGE_OPS = ['equals', 'not', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte'] as const;
export const STRING_OPS = [...RANGE_OPS, 'contains', 'startsWith', 'endsWith'] as const;
export const BOOLEAN_OPS = ['equals', 'not'] as const;
export const LIST_OPS: readonly string[] = ['in', 'notIn'];
