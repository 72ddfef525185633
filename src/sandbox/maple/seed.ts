/** Deterministic Maple seed: B2B accounts with MRR/ARR in USD cents, owners, parents, tags (§6.1). */
import { seededRandom } from '../emulator.js';

export const MAPLE_COMPANY_ID = 'cmp_2MkGNwZqoewXZ38Sc2AzYZh4x50';

export interface MapleRawCustomer {
  id: string;
  company_id: string;
  identifier: string;
  name: string | null;
  email: string | null;
  billing_emails: string[];
  org_name: string | null;
  title: string | null;
  phone: string | null;
  locale: string;
  address: Record<string, string | null> | null;
  status: string;
  owner_id: string | null;
  parent_customer_id: string | null;
  managed_externally: boolean;
  exclude_from_metrics: boolean;
  metadata: Record<string, unknown>;
  customer_integration_metadata: Record<string, unknown>;
  integration_references: Record<string, string>[];
  computed_entitlements: Record<string, unknown>[];
  tags: string[];
  mrr: { currency: string; value_in_cents: number };
  arr: { currency: string; value_in_cents: number };
  created_at: string;
  updated_at: string;
}

const FIRST = ['Ava', 'Liam', 'Maya', 'Noah', 'Priya', 'Ethan', 'Sofia', 'Kenji', 'Amara', 'Lucas'];
const LAST = [
  'Chen',
  'Okafor',
  'Schmidt',
  'Patel',
  'García',
  'Nguyen',
  'Kowalski',
  'Haddad',
  'Reyes',
];
const ORG_A = ['Blue', 'North', 'Bright', 'Iron', 'Cedar', 'Quantum', 'Harbor', 'Summit', 'Nimbus'];
const ORG_B = [
  'Logistics',
  'Analytics',
  'Health',
  'Robotics',
  'Labs',
  'Foods',
  'Capital',
  'Energy',
];
const ORG_C = ['Inc.', 'LLC', 'Corp.', 'GmbH', 'Ltd.'];
const TITLES = ['CEO', 'CFO', 'VP Finance', 'Controller', 'Head of Ops', 'Procurement Lead'];
const CITIES = [
  ['San Francisco', 'CA', '94110', 'US'],
  ['Austin', 'TX', '78701', 'US'],
  ['New York', 'NY', '10013', 'US'],
  ['Toronto', 'ON', 'M5V 2T6', 'CA'],
  ['Berlin', 'BE', '10115', 'DE'],
  ['London', '', 'EC1A 1BB', 'GB'],
] as const;
const TAGS = ['enterprise', 'smb', 'strategic', 'at-risk', 'partner', 'beta'];
const PLANS = ['starter', 'growth', 'scale', 'enterprise'];
export const OWNER_IDS = ['usr_2N1aQ', 'usr_2N1bR', 'usr_2N1cS', 'usr_2N1dT', 'usr_2N1eU'];
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
const ksuid = (rng: Rng) => Array.from({ length: 27 }, () => pick(rng, [...ALNUM])).join('');

export function seedMapleCustomers(count = 300, seed = 0x6d61706c): MapleRawCustomer[] {
  const rng = seededRandom(seed);
  const start = Date.parse('2022-01-03T09:00:00Z');
  const bulkImportAt = '2023-06-01T12:00:00Z'; // a batch created in one import: equal created_at
  const rows: MapleRawCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const inBatch = i >= 40 && i < 55;
    const createdMs = inBatch
      ? Date.parse(bulkImportAt)
      : start + Math.floor(rng() * 1200) * 86_400_000 + i * 1000;
    rows.push(account(rng, i, createdMs, inBatch ? bulkImportAt : undefined, rows));
  }
  return rows;
}

function account(
  rng: Rng,
  i: number,
  createdMs: number,
  fixedAt: string | undefined,
  earlier: MapleRawCustomer[],
): MapleRawCustomer {
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  const org = `${pick(rng, ORG_A)} ${pick(rng, ORG_B)} ${pick(rng, ORG_C)}`;
  const domain = `${org.split(' ').slice(0, 2).join('').toLowerCase()}.example`;
  const mrr = Math.floor(rng() * 5000) * 1000 + (i % 7 === 0 ? 0 : 4900);
  const parent =
    i > 20 && rng() < 0.1
      ? pick(
          rng,
          earlier.filter((c) => !c.parent_customer_id),
        )
      : null;
  const plan = pick(rng, PLANS);
  return {
    id: `cus_${ksuid(rng)}`,
    company_id: MAPLE_COMPANY_ID,
    identifier: i % 3 === 0 ? `sf_0015g${String(i).padStart(6, '0')}` : `acct-${String(i + 1000)}`,
    name: i % 29 === 5 ? '' : `${first} ${last}`,
    email: i % 31 === 7 ? null : `${first.toLowerCase()}.${i}@${domain}`,
    billing_emails: rng() < 0.4 ? [`ap@${domain}`, `billing+${i}@${domain}`] : [],
    org_name: org,
    title: pick(rng, TITLES),
    phone: i % 11 === 3 ? null : `+1 415-555-${String(1000 + i).slice(-4)}`,
    locale: pick(rng, ['en', 'en', 'en', 'fr', 'de']),
    address: i % 13 === 4 ? null : address(rng, i),
    status: rng() < 0.12 ? 'ARCHIVED' : i === 17 ? 'SUSPENDED' : 'ACTIVE',
    owner_id: rng() < 0.15 ? null : pick(rng, OWNER_IDS),
    parent_customer_id: parent?.id ?? null,
    managed_externally: rng() < 0.08,
    exclude_from_metrics: rng() < 0.05,
    metadata:
      i % 9 === 2
        ? {}
        : {
            plan,
            region: pick(rng, ['us-west', 'us-east', 'eu']),
            seats: 5 + (i % 40),
            crm_synced: rng() < 0.5,
          },
    customer_integration_metadata:
      rng() < 0.3 ? { hubspot: { company_id: `${9_000_000 + i}` } } : {},
    integration_references: rng() < 0.3 ? [hubspotRef(i)] : [],
    computed_entitlements: rng() < 0.3 ? [seatsEntitlement(rng, i)] : [],
    tags: TAGS.filter(() => rng() < 0.25),
    mrr: { currency: 'USD', value_in_cents: mrr },
    arr: { currency: 'USD', value_in_cents: mrr * 12 },
    created_at: fixedAt ?? timestamp(createdMs, i),
    updated_at: timestamp(createdMs + Math.floor(rng() * 200) * 3_600_000 + 1000, i + 1),
  };
}

/** Mostly UTC "Z"; every fifth row with milliseconds and a -04:00 offset, like real Maple samples. */
function timestamp(ms: number, i: number): string {
  if (i % 5 !== 0) return new Date(ms).toISOString().replace('.000Z', 'Z');
  const shifted = new Date(ms - 4 * 3_600_000 + ((i * 37) % 1000)).toISOString();
  return `${shifted.slice(0, 23)}-04:00`;
}

function address(rng: Rng, i: number): Record<string, string | null> {
  const [city, state, zip, country] = pick(rng, CITIES);
  return {
    address_line_1: `${100 + i} ${pick(rng, ['Market St', 'Main St', 'King St W', 'Torstraße'])}`,
    address_line_2: rng() < 0.3 ? `Suite ${200 + (i % 50)}` : '',
    city,
    state,
    zip,
    country,
    place_id: null,
  };
}

function hubspotRef(i: number): Record<string, string> {
  return {
    integration_icon: 'https://cdn.example/hubspot.png',
    integration_id: 'int_hubspot_1',
    integration_key: 'hubspot',
    integration_name: 'HubSpot',
    reference_type: 'CUSTOMER',
    remote_id: `${9_000_000 + i}`,
    remote_type: 'company',
  };
}

function seatsEntitlement(rng: Rng, i: number): Record<string, unknown> {
  const seats = 5 + (i % 40);
  const overridden = rng() < 0.3;
  return {
    id: `cen_${i}`,
    entitlement_id: 'ent_seats',
    inherited_from_id: null,
    inherited_from_type: null,
    key: 'seats',
    name: 'Seats',
    original_value: seats,
    overridden,
    type: 'NUMBER',
    value: overridden ? seats + 10 : seats,
  };
}
