/** Flexprice customer JSON → the normalized customer (CONTRACT §4). */
import type { Address, Customer, DetailLevel } from '../../customer.js';
import { cleanId, remainingDetails, stringMap, text, withDetail } from '../normalize-shared.js';
import type { RawCustomer } from './wire.js';

const ADDRESS_FIELDS = {
  line1: 'address_line1',
  line2: 'address_line2',
  city: 'address_city',
  state: 'address_state',
  postal_code: 'address_postal_code',
  country: 'address_country',
} as const;

/** Raw keys that become top-level Customer keys; all others go to `details`. */
const MAPPED_KEYS = [
  'id',
  'external_id',
  'name',
  'email',
  'contact',
  'status',
  'created_at',
  'updated_at',
  'metadata',
  ...Object.values(ADDRESS_FIELDS),
];

/** Mapped fields read with text(): any other type there is kept in details as sent. */
const TEXT_KEYS = MAPPED_KEYS.filter((key) => key !== 'metadata');

/** [C] §4: published is Flexprice's word for an active customer; archived/deleted pass through. */
function status(value: unknown): string {
  const raw = text(value)?.toLowerCase();
  if (raw === undefined) return 'unknown';
  return raw === 'published' ? 'active' : raw;
}

/** Flexprice sends every address part, "" when unset: all empty means no address. */
function address(raw: RawCustomer): Address | null {
  const parts = Object.fromEntries(
    Object.entries(ADDRESS_FIELDS).map(([key, rawKey]) => [key, text(raw[rawKey])]),
  ) as Address;
  return Object.values(parts).some((part) => part !== null) ? parts : null;
}

export function normalizeCustomer(raw: RawCustomer, detail?: DetailLevel): Customer {
  const summary: Customer = {
    provider: 'flexprice',
    id: cleanId(raw.id),
    external_id: text(raw.external_id),
    name: text(raw.name),
    email: text(raw.email),
    phone: text(raw.contact),
    status: status(raw.status),
    created_at: text(raw.created_at),
    updated_at: text(raw.updated_at),
    metadata: stringMap(raw.metadata),
  };
  return withDetail(summary, detail, () => ({
    address: address(raw),
    details: remainingDetails(raw, MAPPED_KEYS, TEXT_KEYS),
  }));
}
