/** Deterministic seed data: B2B companies in several countries, as a Flexprice tenant would hold. */
import { seededRandom } from '../emulator.js';
import { fromMicros, type StoredCustomer } from './records.js';
import {
  BRANDS,
  COUNTRIES,
  type Country,
  INTEGRATIONS,
  PLANS,
  REGIONS,
  STREETS,
  TRADES,
} from './seed-data.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `<prefix>_<ULID>`: 10 time characters then 16 random ones, as Flexprice's types.GenerateUUID. */
export function ulid(prefix: string, ms: number, random: () => number): string {
  let time = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[Math.floor(random() * 32)];
  return `${prefix}_${time}${tail}`;
}

/** External ids that exercise path encoding (each a real customer to look up). */
export const AWKWARD_EXTERNAL_IDS = [
  'org/42',
  'team a',
  'café-9',
  'q?x=1',
  '100%',
  'hash#1',
  '..',
  '../../v1/customers',
  '顧客-7',
];

const START_MICROS = Date.UTC(2024, 0, 1) * 1000;
const SPAN_MICROS = (Date.UTC(2026, 5, 30) - Date.UTC(2024, 0, 1)) * 1000;

export interface Scope {
  tenantId: string;
  environmentId: string;
}

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

export function seedCustomers(
  count: number,
  scope: Scope,
  seed: number,
  tag = '',
): StoredCustomer[] {
  const random = seededRandom(seed);
  const users = [0, 1, 2].map(() => ulid('user', START_MICROS / 1000, random));
  const customers: StoredCustomer[] = [];
  for (let i = 0; i < count; i++) {
    // Every 40th customer shares its predecessor's creation instant: ties need a deterministic order.
    const previous = customers[i - 1];
    const created =
      i % 40 === 39 && previous
        ? previous.created_at
        : fromMicros(START_MICROS + Math.floor(random() * SPAN_MICROS));
    customers.push(makeCustomer(i, created, scope, random, users, tag));
  }
  return customers;
}

function makeCustomer(
  i: number,
  created: string,
  scope: Scope,
  random: () => number,
  users: string[],
  tag: string,
): StoredCustomer {
  const country = pick(random, COUNTRIES);
  const brand = BRANDS[i % BRANDS.length] as string;
  const trade = TRADES[Math.floor(i / BRANDS.length) % TRADES.length] as string;
  const name = `${brand} ${trade} ${country.suffix}`;
  const slug = `${brand}-${trade}`.toLowerCase().replace(/[^a-z]+/g, '-');
  const createdMs = Date.parse(created);
  const updated = fromMicros(createdMs * 1000 + Math.floor(random() * 90 * 864e8));
  const roll = random();
  return {
    id: ulid('cust', createdMs, random),
    external_id: externalId(i, tag),
    name,
    email: email(roll, i, slug),
    contact: random() < 0.4 ? `${country.phone} 555 ${String(1000 + i).slice(-4)}` : null,
    ...address(country, random, i),
    metadata:
      i % 10 === 3
        ? null
        : {
            plan: pick(random, PLANS),
            region: pick(random, REGIONS),
            seats: String(1 + Math.floor(random() * 500)),
          },
    environment_id: scope.environmentId,
    tenant_id: scope.tenantId,
    status: status(i),
    created_at: created,
    updated_at: updated,
    created_by: i % 6 === 0 ? '' : pick(random, users),
    updated_by: '',
    parent_customer_id: '',
    integrations:
      i % 31 === 2
        ? [
            {
              id: ulid('eim', createdMs, random),
              provider_type: pick(random, INTEGRATIONS),
              provider_entity_id: `cus_${slug}`,
              created_at: `${created.slice(0, 19)}Z`,
            },
          ]
        : [],
  };
}

const isAwkward = (i: number) => i >= 7 && i < 7 + AWKWARD_EXTERNAL_IDS.length;

/** Customer 21 (archived) reuses 20's external id: allowed, the unique index covers published rows only. */
function externalId(i: number, tag: string): string {
  if (isAwkward(i)) return AWKWARD_EXTERNAL_IDS[i - 7] as string;
  return `acct-${tag}${1000 + (i === 21 ? 20 : i)}`;
}

function status(i: number): StoredCustomer['status'] {
  if (isAwkward(i)) return 'published';
  if (i % 97 === 50) return 'deleted';
  return i % 8 === 5 ? 'archived' : 'published';
}

/** Some "" (never set), some shared by several customers, some with capitals (matching is exact). */
function email(roll: number, i: number, slug: string): string {
  if (roll < 0.08) return '';
  if (roll < 0.12) return 'ap@shared-services.example';
  return `${i % 9 === 4 ? 'Finance' : 'billing'}@${slug}.example`;
}

/** Most customers have a full address; some only a city; some none (every field ""). */
function address(country: Country, random: () => number, i: number) {
  const [city, state, postal] = pick(random, country.places);
  const kind = i % 7;
  const none = kind === 4;
  const cityOnly = kind === 6;
  return {
    address_line1: none || cityOnly ? '' : `${10 + (i % 90)} ${pick(random, STREETS)}`,
    address_line2: kind === 1 ? 'Suite 200' : '',
    address_city: none ? '' : city,
    address_state: none || cityOnly ? '' : state,
    address_postal_code: none || cityOnly ? '' : postal,
    address_country: none ? '' : country.code,
    timezone: none ? 'UTC' : country.timezone,
  };
}
