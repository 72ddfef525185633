/**
 * The fake's `customerFilter` (providers/quentli.md §7.2–7.3, all [A]): a Prisma
 * `CustomerWhereInput` subset over qs-decoded values (every leaf a string), with SQL null
 * semantics. Anything outside the grammar throws a zod-like issue (→ 400 ValidationError).
 */
import type { QuentliRawCustomer, SeedRecord } from './seed.js';

export interface Issue {
  code: string;
  path: (string | number)[];
  message: string;
  keys?: string[];
}

export class IssueError extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

export type Predicate = (record: SeedRecord) => boolean;
type Kind = 'string' | 'date' | 'boolean';
type Path = (string | number)[];

const KINDS: Record<string, Kind> = {};
for (const f of [
  'id',
  'name',
  'username',
  'organizationId',
  'email',
  'phoneNumber',
  'secondaryPhoneNumber',
  'archivedById',
])
  KINDS[f] = 'string';
for (const f of [
  'createdAt',
  'updatedAt',
  'archivedAt',
  'signatureAcceptedAt',
  'optedOutWhatsappAt',
  'optedInWhatsappAt',
  'startedWhatsappAt',
])
  KINDS[f] = 'date';
for (const f of [
  'acceptedServiceAgreement',
  'skipTaxInvoice',
  'emailVerified',
  'phoneNumberVerified',
  'hasChangedPassword',
  'replyWithAssistant',
])
  KINDS[f] = 'boolean';

/** Scalar fields and their kinds: also the orderBy keys the fake accepts. */
export const FIELD_KINDS: Readonly<Record<string, Kind>> = KINDS;

const OPS: Record<Kind, readonly string[]> = {
  string: [
    'equals',
    'not',
    'in',
    'notIn',
    'lt',
    'lte',
    'gt',
    'gte',
    'contains',
    'startsWith',
    'endsWith',
  ],
  date: ['equals', 'not', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte'],
  boolean: ['equals', 'not'],
};

export const fail = (code: string, path: Path, message: string, keys?: string[]): never => {
  throw new IssueError({ code, path, message, ...(keys ? { keys } : {}) });
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** `filter` decoded by qs.parse → predicate over the organization's records. */
export function compileWhere(node: unknown, path: Path): Predicate {
  if (!isObject(node)) return fail('invalid_type', path, 'Expected object');
  const parts = Object.entries(node).map(([key, value]) => compileKey(key, value, [...path, key]));
  return (record) => parts.every((part) => part(record));
}

function compileKey(key: string, value: unknown, path: Path): Predicate {
  if (key === 'AND' || key === 'NOT') {
    // An object counts as a one-element list; an empty list is true for both.
    const list = (Array.isArray(value) ? value : [value]).map((v, i) =>
      compileWhere(v, [...path, i]),
    );
    return key === 'AND' ? (r) => list.every((p) => p(r)) : (r) => !list.some((p) => p(r));
  }
  if (key === 'OR') {
    if (!Array.isArray(value)) return fail('invalid_type', path, 'Expected array');
    const list = value.map((v, i) => compileWhere(v, [...path, i]));
    return (r) => list.some((p) => p(r)); // empty OR matches nothing (Prisma)
  }
  if (key === 'noPayments') {
    const wanted = toBoolean(value, path);
    return (r) => (r.payments === 0) === wanted;
  }
  const kind = FIELD_KINDS[key];
  if (!kind)
    return fail('unrecognized_keys', path.slice(0, -1), `Unrecognized key(s) in object: '${key}'`, [
      key,
    ]);
  const test = compileScalar(kind, value, path);
  const field = key as keyof QuentliRawCustomer;
  return (r) => test(r.raw[field]);
}

type Test = (value: unknown) => boolean;

/**
 * A literal (shorthand equals) or an operator object; nulls fail every operator (SQL). A nested
 * `not: {...}` takes no `mode` of its own: it inherits the outer one (`inherited`).
 */
function compileScalar(kind: Kind, value: unknown, path: Path, inherited?: boolean): Test {
  if (typeof value === 'string') return compileOp(kind, 'equals', value, path, inherited ?? false);
  if (!isObject(value)) return fail('invalid_type', path, `Expected ${kind} or filter object`);
  const mode = value.mode;
  const nested = inherited !== undefined;
  if (
    mode !== undefined &&
    (nested || kind !== 'string' || (mode !== 'default' && mode !== 'insensitive'))
  ) {
    return fail(
      'invalid_value',
      [...path, 'mode'],
      "Invalid mode: expected 'default' or 'insensitive'",
    );
  }
  const insensitive = inherited ?? mode === 'insensitive';
  const tests = Object.entries(value)
    .filter(([op]) => op !== 'mode')
    .map(([op, operand]) => {
      if (!OPS[kind].includes(op))
        return fail('unrecognized_keys', path, `Unrecognized key(s) in object: '${op}'`, [op]);
      if (op === 'not' && isObject(operand)) {
        const inner = compileScalar(kind, operand, [...path, op], insensitive);
        return (v: unknown) => v !== null && !inner(v);
      }
      return compileOp(kind, op, operand, [...path, op], insensitive);
    });
  return (v) => tests.every((t) => t(v));
}

function compileOp(
  kind: Kind,
  op: string,
  operand: unknown,
  path: Path,
  insensitive: boolean,
): Test {
  const key = (v: unknown): string | number | boolean => normalize(kind, v, insensitive);
  if (op === 'in' || op === 'notIn') {
    if (!Array.isArray(operand)) return fail('invalid_type', path, 'Expected array');
    const set = new Set(operand.map((o, i) => key(coerce(kind, o, [...path, i]))));
    return (v) => v !== null && set.has(key(v)) === (op === 'in');
  }
  const target = key(coerce(kind, operand, path));
  const cmp: Record<string, (a: never, b: never) => boolean> = {
    equals: (a, b) => a === b,
    not: (a, b) => a !== b,
    lt: (a, b) => a < b,
    lte: (a, b) => a <= b,
    gt: (a, b) => a > b,
    gte: (a, b) => a >= b,
    contains: (a: string, b: string) => a.includes(b),
    startsWith: (a: string, b: string) => a.startsWith(b),
    endsWith: (a: string, b: string) => a.endsWith(b),
  };
  const compare = cmp[op] as (a: unknown, b: unknown) => boolean;
  return (v) => v !== null && v !== undefined && compare(key(v), target);
}

/** qs leaves are strings: booleans must be "true"/"false", dates parseable ISO instants. */
function coerce(kind: Kind, value: unknown, path: Path): string | boolean {
  if (typeof value !== 'string') return fail('invalid_type', path, `Expected ${kind}`);
  if (kind === 'boolean') return toBoolean(value, path);
  if (kind === 'date' && (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(Date.parse(value)))) {
    return fail('invalid_type', path, 'Expected ISO 8601 date-time');
  }
  return value;
}

function toBoolean(value: unknown, path: Path): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  return fail('invalid_type', path, 'Expected boolean ("true" or "false")');
}

function normalize(kind: Kind, value: unknown, insensitive: boolean): string | number | boolean {
  if (kind === 'date') return Date.parse(value as string);
  if (kind === 'boolean') return value as boolean;
  return insensitive ? (value as string).toLowerCase() : (value as string);
}
