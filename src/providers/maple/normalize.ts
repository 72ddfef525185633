/** Maple customer JSON → the CONTRACT §4 shape (what Maple sends is parsed in wire.ts). */
import type { Address, Customer, DetailLevel } from '../../customer.js';
import {
  cleanId,
  plainData,
  type RawCustomer,
  rawCustomerSchema,
  remainingDetails,
  stringMap,
  text,
  withDetail,
} from '../normalize-shared.js';

/** Every field is optional or nullable across doc revisions (§6.1); only `id` is load-bearing. */
export { type RawCustomer, rawCustomerSchema };

const MAPPED = [
  'id',
  'identifier',
  'name',
  'email',
  'phone',
  'status',
  'created_at',
  'updated_at',
  'metadata',
  'address',
] as const;

/** Mapped fields read with text(): any other type there is kept in details as sent. */
const TEXT_KEYS = ['identifier', 'name', 'email', 'phone', 'status', 'created_at', 'updated_at'];

const ADDRESS_PARTS = {
  address_line_1: 'line1',
  address_line_2: 'line2',
  city: 'city',
  state: 'state',
  zip: 'postal_code',
  country: 'country',
} as const;

export function normalizeCustomer(raw: RawCustomer, detail?: DetailLevel): Customer {
  const summary: Customer = {
    provider: 'maple',
    id: cleanId(raw.id),
    external_id: text(raw.identifier),
    name: text(raw.name),
    email: text(raw.email),
    phone: text(raw.phone),
    status: normalizeStatus(raw.status),
    created_at: text(raw.created_at),
    updated_at: text(raw.updated_at),
    metadata: stringMap(raw.metadata),
  };
  return withDetail(summary, detail, () => {
    const details = remainingDetails(raw, MAPPED, TEXT_KEYS);
    const leftover = addressLeftover(raw.address);
    if (leftover) details.address = leftover;
    return { address: normalizeAddress(raw.address), details };
  });
}

/** ACTIVE → active, ARCHIVED → archived, anything else lowercased ([A] the enum may grow). */
export function normalizeStatus(value: unknown): string {
  return text(value)?.toLowerCase() ?? 'unknown';
}

function normalizeAddress(value: unknown): Address | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const address = {} as Address;
  for (const [from, to] of Object.entries(ADDRESS_PARTS)) address[to] = text(record[from]);
  return Object.values(address).some((part) => part !== null) ? address : null;
}

/** Address keys we do not map (place_id…), or mapped but not text, kept in details so nothing
 * Maple sent is lost. */
function addressLeftover(value: unknown): Record<string, unknown> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const rest = Object.entries(value).filter(
    ([key, part]) =>
      !Object.hasOwn(ADDRESS_PARTS, key) || (part !== null && typeof part !== 'string'),
  );
  return rest.length > 0
    ? (plainData(Object.fromEntries(rest), 1) as Record<string, unknown>)
    : null;
}

/** Maple Money `{currency, value_in_cents}` → whole cents, or null when not a usable number. */
function cents(value: unknown): number | null {
  const raw = (value as { value_in_cents?: unknown } | null)?.value_in_cents;
  return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : null;
}

/** The MRR/ARR a query filtered on, added to its rows (a summary has no money otherwise). */
export function withMoney(
  customer: Customer,
  raw: RawCustomer,
  shown: { mrr: boolean; arr: boolean },
): Customer {
  if (!shown.mrr && !shown.arr) return customer;
  return {
    ...customer,
    ...(shown.mrr ? { mrr_cents: cents(raw.mrr) } : {}),
    ...(shown.arr ? { arr_cents: cents(raw.arr) } : {}),
  };
}
