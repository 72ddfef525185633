/** Quentli customer (providers/quentli.md §6) → the normalized Customer (CONTRACT §4). */
import type { Customer, DetailLevel } from '../../customer.js';
// Only `id` is relied on (rawCustomerSchema); everything else is read defensively (§6:
// `meta`/`metadata` may be absent or null).
import {
  cleanId,
  type RawCustomer,
  remainingDetails,
  stringMap,
  text,
  withDetail,
} from '../normalize-shared.js';

const MAPPED_KEYS = [
  'id',
  'username',
  'name',
  'email',
  'phoneNumber',
  'createdAt',
  'updatedAt',
  'meta',
  'metadata',
] as const;

/** Mapped fields read with text(): any other type there is kept in details as sent. */
const TEXT_KEYS = ['username', 'name', 'email', 'phoneNumber', 'createdAt', 'updatedAt'];

export function normalizeCustomer(raw: RawCustomer, detail?: DetailLevel): Customer {
  const summary: Customer = {
    provider: 'quentli',
    id: cleanId(raw.id),
    external_id: text(raw.username),
    name: text(raw.name),
    email: text(raw.email),
    phone: text(raw.phoneNumber),
    // archivedAt stays in details too: the status says "archived", details say when.
    status: text(raw.archivedAt) === null ? 'active' : 'archived',
    created_at: text(raw.createdAt),
    updated_at: text(raw.updatedAt),
    metadata: metadataOf(raw),
  };
  // Quentli customers carry no postal address.
  return withDetail(
    summary,
    detail,
    () => ({ address: null, details: remainingDetails(raw, MAPPED_KEYS, TEXT_KEYS) }),
    { created_at: 'createdAt', updated_at: 'updatedAt' },
  );
}

/** `meta` is the flat view of the `metadata` pairs; read both so neither a missing view loses data. */
function metadataOf(raw: RawCustomer): Record<string, string> {
  // Null prototype: a pair keyed `__proto__` stays data (CONTRACT §4), never a prototype.
  const fromPairs: Record<string, unknown> = Object.create(null);
  if (Array.isArray(raw.metadata)) {
    for (const pair of raw.metadata) {
      if (pair && typeof pair === 'object' && typeof pair.key === 'string')
        fromPairs[pair.key] = pair.value;
    }
  }
  // Spread, not Object.assign: it defines keys, so a `__proto__` key stays data.
  return { ...stringMap(fromPairs), ...stringMap(raw.meta) };
}
