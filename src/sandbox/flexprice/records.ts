/** The Flexprice emulator's stored customer and how the API renders it (providers/flexprice.md §4). */

export interface StoredIntegration {
  id: string;
  provider_type: string;
  provider_entity_id: string;
  created_at: string;
}

/** One row of the `customers` table, plus the mappings `expand=integrations` attaches. */
export interface StoredCustomer {
  id: string;
  external_id: string;
  name: string;
  email: string;
  contact: string | null;
  address_line1: string;
  address_line2: string;
  address_city: string;
  address_state: string;
  address_postal_code: string;
  address_country: string;
  timezone: string;
  metadata: Record<string, string> | null;
  environment_id: string;
  tenant_id: string;
  status: 'published' | 'archived' | 'deleted';
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
  /** Only older builds (Dec 2025 → Mar 2026) have this column and field. */
  parent_customer_id: string;
  integrations: StoredIntegration[];
}

/** Switches for the build being emulated. */
export interface FlexpriceSwitches {
  /** Errors in the legacy `{success:false,error:{…}}` shape (§8.2) instead of §8.1. */
  legacyErrors: boolean;
  /** An older build: no timezone/contact columns, parent_customer_id present (§4). */
  olderBuild: boolean;
}

/** Columns the ent ORM knows (§6); an older build lacks contact/timezone and has parent_customer_id. */
export function columns(switches: FlexpriceSwitches): ReadonlySet<string> {
  const shared = [
    'id',
    'tenant_id',
    'status',
    'created_at',
    'updated_at',
    'created_by',
    'updated_by',
    'environment_id',
    'metadata',
    'external_id',
    'name',
    'email',
    'address_line1',
    'address_line2',
    'address_city',
    'address_state',
    'address_postal_code',
    'address_country',
  ];
  return new Set(
    switches.olderBuild ? [...shared, 'parent_customer_id'] : [...shared, 'contact', 'timezone'],
  );
}

/** The JSON the API returns for a customer: omitempty fields left out, as Go's encoder does. */
export function renderCustomer(
  c: StoredCustomer,
  switches: FlexpriceSwitches,
  expand = false,
): Record<string, unknown> {
  const { integrations, contact, timezone, parent_customer_id, ...row } = c;
  const out: Record<string, unknown> = { ...row };
  if (switches.olderBuild) out.parent_customer_id = parent_customer_id;
  else {
    if (contact !== null) out.contact = contact;
    out.timezone = timezone;
  }
  if (expand && integrations.length > 0) {
    out.integrations = integrations.map((i) => renderIntegration(c, i));
  }
  return out;
}

function renderIntegration(c: StoredCustomer, i: StoredIntegration): Record<string, unknown> {
  return {
    id: i.id,
    entity_id: c.id,
    entity_type: 'customer',
    provider_type: i.provider_type,
    provider_entity_id: i.provider_entity_id,
    environment_id: c.environment_id,
    tenant_id: c.tenant_id,
    status: 'published',
    created_at: i.created_at,
    updated_at: i.created_at,
    created_by: c.created_by,
    updated_by: c.created_by,
  };
}

/** Microseconds since the epoch from an RFC 3339 string (Go keeps µs; Date keeps ms). */
export function toMicros(iso: string): number | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.exec(iso);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = (match[2] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
  return ms * 1000 + Number(fraction);
}

/** RFC 3339 with Go's RFC3339Nano trimming: trailing zeros (and a bare '.') are dropped. */
export function fromMicros(micros: number): string {
  const seconds = new Date(Math.floor(micros / 1e6) * 1000).toISOString().slice(0, 19);
  const fraction = String(micros % 1e6)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${seconds}${fraction ? `.${fraction}` : ''}Z`;
}
