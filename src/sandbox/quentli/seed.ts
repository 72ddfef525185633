/**
 * Deterministic Quentli seed (CONTRACT §8): a school's families and students in Mexico, with
 * Spanish names, +52 E.164 phones, student-id usernames, campus metadata, some archived
 * customers and some without email. Every §6 key is present in every object.
 */
import { seededRandom } from '../emulator.js';

export interface QuentliRawCustomer {
  id: string;
  createdAt: string;
  updatedAt: string;
  name: string;
  username: string;
  organizationId: string;
  acceptedServiceAgreement: boolean;
  skipTaxInvoice: boolean;
  emailVerified: boolean;
  phoneNumberVerified: boolean;
  hasChangedPassword: boolean;
  email: string | null;
  phoneNumber: string | null;
  secondaryPhoneNumber: string | null;
  archivedAt: string | null;
  archivedById: string | null;
  signatureAcceptedAt: string | null;
  optedOutWhatsappAt: string | null;
  optedInWhatsappAt: string | null;
  startedWhatsappAt: string | null;
  replyWithAssistant: boolean | null;
  metadata: { key: string; value: string }[];
  meta: Record<string, string>;
}

/** A seeded customer plus what the fake needs to know but Quentli does not serialize. */
export interface SeedRecord {
  raw: QuentliRawCustomer;
  payments: number;
}

const FIRST = [
  'Juan',
  'María',
  'José',
  'Guadalupe',
  'Luis',
  'Ana',
  'Carlos',
  'Sofía',
  'Miguel',
  'Valentina',
  'Jorge',
  'Fernanda',
  'Alejandro',
  'Ximena',
  'Diego',
  'Renata',
  'Ángel',
  'Camila',
  'Ricardo',
  'Regina',
  'Héctor',
  'Daniela',
  'Emilio',
  'Itzel',
  'Raúl',
  'Paola',
  'Andrés',
  'Lucía',
];
const LAST = [
  'Hernández',
  'García',
  'Martínez',
  'López',
  'González',
  'Pérez',
  'Rodríguez',
  'Sánchez',
  'Ramírez',
  'Cruz',
  'Flores',
  'Gómez',
  'Morales',
  'Vázquez',
  'Reyes',
  'Jiménez',
  'Torres',
  'Díaz',
  'Gutiérrez',
  'Ruiz',
  'Mendoza',
  'Aguilar',
  'Ortiz',
  'Castillo',
  'Núñez',
];
const CAMPUSES = ['Monterrey', 'CDMX Sur', 'Guadalajara', 'Puebla', 'Querétaro'];
const DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com.mx', 'prodigy.net.mx'];
const LADAS = ['55', '81', '33', '222', '442'];
const START = Date.parse('2023-01-09T15:00:00.000Z');
const CUID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const SEED_ORGANIZATION = 'cm0org1quentlisandbox0001';
export const OTHER_ORGANIZATION = 'cm0org2otherschool00000002';

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
const iso = (ms: number): string => new Date(ms).toISOString();

function cuid(rng: Rng): string {
  let id = 'c';
  for (let i = 0; i < 24; i++) id += CUID_CHARS[Math.floor(rng() * CUID_CHARS.length)];
  return id;
}

/** ASCII local part for an email: "José Núñez" → "jose.nunez". */
function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, '.');
}

function phone(rng: Rng, index: number): string {
  const lada = pick(rng, LADAS);
  const rest = String(index * 7919 + 1000003)
    .padStart(10 - lada.length, '0')
    .slice(-(10 - lada.length));
  return `+52${lada}${rest}`;
}

function metadataFor(rng: Rng, username: string): { key: string; value: string }[] {
  if (rng() < 0.15) return []; // some customers carry no custom data
  const pairs = [
    { key: 'studentId', value: username },
    { key: 'campus', value: pick(rng, CAMPUSES) },
  ];
  if (rng() < 0.4) pairs.push({ key: 'grado', value: `${1 + Math.floor(rng() * 6)}° primaria` });
  return pairs;
}

/** Every two days, on the hour; every 17th shares its predecessor's instant (exercises id tie-breaks). */
function createdAt(index: number): number {
  const slot = index % 17 === 5 ? index - 1 : index;
  return START + slot * 2 * 86_400_000 + ((slot * 7) % 9) * 3_600_000;
}

function customer(rng: Rng, index: number, organizationId: string): SeedRecord {
  const name = `${pick(rng, FIRST)} ${pick(rng, LAST)} ${pick(rng, LAST)}`;
  const username = `A0${String(1_230_000 + index * 37).padStart(7, '0')}`;
  const created = createdAt(index);
  const archived = rng() < 0.12;
  const whatsapp = rng() < 0.7;
  const metadata = metadataFor(rng, username);
  const raw: QuentliRawCustomer = {
    id: cuid(rng),
    createdAt: iso(created),
    updatedAt: iso(created + Math.floor(rng() * 90) * 86_400_000),
    name,
    username,
    organizationId,
    acceptedServiceAgreement: rng() < 0.8,
    skipTaxInvoice: rng() < 0.3,
    emailVerified: rng() < 0.6,
    phoneNumberVerified: rng() < 0.7,
    hasChangedPassword: rng() < 0.5,
    email: rng() < 0.1 ? null : `${slug(name)}${index}@${pick(rng, DOMAINS)}`,
    phoneNumber: rng() < 0.05 ? null : phone(rng, index),
    secondaryPhoneNumber: rng() < 0.2 ? phone(rng, index + 5000) : null,
    archivedAt: archived ? iso(created + 200 * 86_400_000) : null,
    archivedById: archived ? 'cm0usr1adminsandbox000001' : null,
    signatureAcceptedAt: rng() < 0.4 ? iso(created + 3_600_000) : null,
    optedOutWhatsappAt: whatsapp && rng() < 0.1 ? iso(created + 30 * 86_400_000) : null,
    optedInWhatsappAt: whatsapp ? iso(created + 60_000) : null,
    startedWhatsappAt: whatsapp ? iso(created + 30_000) : null,
    replyWithAssistant: rng() < 0.2 ? null : rng() < 0.5,
    metadata,
    meta: Object.fromEntries(metadata.map((pair) => [pair.key, pair.value])),
  };
  return { raw, payments: rng() < 0.25 ? 0 : 1 + Math.floor(rng() * 12) };
}

/** 250 customers in the sandbox organization and 12 in another one (never visible to its key). */
export function seedQuentli(seed = 20250110): SeedRecord[] {
  const rng = seededRandom(seed);
  const records: SeedRecord[] = [];
  for (let i = 0; i < 250; i++) records.push(customer(rng, i, SEED_ORGANIZATION));
  for (let i = 250; i < 262; i++) records.push(customer(rng, i, OTHER_ORGANIZATION));
  return records;
}
