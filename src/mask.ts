/**
 * Operator masking (`BILLING_MCP_MASK`): personal fields the operator does not want to reach the
 * model are replaced by a form that still lets a human confirm a match ("is this j***@acme.com?").
 * Masking changes only what a result shows: filters are sent upstream as the caller wrote them, so
 * `email: "jane@acme.com"` still finds the customer whose address is masked in the answer.
 *
 * Forms (decided here; docs/operations.md lists them):
 * - email: first character of the local part, `***`, the whole domain (`j***@acme.com`): the
 *   company stays visible, the person does not.
 * - phone: the country code when written with `+` and a separator, and the last four digits; every
 *   other group of digits becomes `•••` (`+52 55 1234 5678` → `+52 ••• ••• 5678`).
 * - address: country and state kept, every other part `•••` (null stays null).
 * - metadata: every value `•••` (keys stay: they are the operator's own field names), or only the
 *   keys named as `metadata.<key>`.
 * In `full` details the same values are masked wherever they appear (under the provider's own
 * field names, inside contact lists), and so is any other email address when emails are masked.
 */
import type { Customer } from './customer.js';
import { ConfigError } from './errors.js';
import { setData } from './providers/normalize-shared.js';

export const MASK_VARIABLE = 'BILLING_MCP_MASK';
const HIDDEN = '•••';
const FIELDS = ['email', 'phone', 'address', 'metadata'] as const;
type Field = (typeof FIELDS)[number];

export interface MaskSpec {
  fields: ReadonlySet<Field>;
  /** `metadata.<key>` entries; empty when all of metadata is masked or none. */
  metadataKeys: ReadonlySet<string>;
}

/** `email,phone,metadata.tax_id`: comma or space separated; unknown names are a start-up error. */
export function parseMask(value: string | undefined): MaskSpec | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const fields = new Set<Field>();
  const metadataKeys = new Set<string>();
  for (const name of value.split(/[\s,]+/).filter(Boolean)) {
    if ((FIELDS as readonly string[]).includes(name)) fields.add(name as Field);
    else if (name.startsWith('metadata.') && name.length > 'metadata.'.length && name.length <= 200)
      metadataKeys.add(name.slice('metadata.'.length));
    else
      throw new ConfigError(
        `${MASK_VARIABLE}: "${name.length <= 40 ? name : `${name.slice(0, 40)}…`}" is not a field that can be masked. Use any of email, phone, address, metadata, metadata.<key> (comma separated).`,
      );
  }
  if (fields.has('metadata')) metadataKeys.clear();
  return { fields, metadataKeys };
}

/** One line for the server instructions, so the model knows masked values are not the real ones. */
export function maskNotice(spec: MaskSpec): string {
  const names = [...spec.fields, ...[...spec.metadataKeys].map((key) => `metadata.${key}`)];
  return `The operator masks ${names.join(', ')} in every result (e.g. j***@acme.com): report them as shown, never guess the hidden part. Filters still match the real values.`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return HIDDEN;
  const first = [...email.slice(0, at)][0] ?? '';
  return `${first}***${email.slice(at)}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return HIDDEN;
  const country = /^\+\d{1,3}(?=[\s().-])/.exec(phone)?.[0] ?? '';
  const rest = phone.slice(country.length);
  // The last four digits stay, wherever the separators put them.
  let toKeep = 4;
  let kept = '';
  let index = rest.length - 1;
  for (; index >= 0 && toKeep > 0; index--) {
    const char = rest[index] as string;
    if (/\d/.test(char)) toKeep--;
    kept = char + kept;
  }
  const masked = rest.slice(0, index + 1).replace(/\d+/g, HIDDEN);
  return `${country}${masked}${kept}`;
}

/** A copy of `customer` with the masked fields replaced; the input is never modified. */
export function maskCustomer<T extends Partial<Customer>>(customer: T, spec: MaskSpec): T {
  const out: Record<string, unknown> = { ...customer };
  const replacements = new Map<string, string>();
  const replace = (value: unknown, masked: (text: string) => string): unknown => {
    if (typeof value !== 'string') return value;
    const form = masked(value);
    replacements.set(value.trim().toLowerCase(), form);
    return form;
  };
  if (spec.fields.has('email')) out.email = replace(customer.email, maskEmail);
  if (spec.fields.has('phone')) out.phone = replace(customer.phone, maskPhone);
  if (spec.fields.has('address') && customer.address) {
    const address: Record<string, unknown> = { ...customer.address };
    for (const part of ['line1', 'line2', 'city', 'postal_code'])
      address[part] = replace(address[part], () => HIDDEN);
    out.address = address;
  }
  if (customer.metadata && (spec.fields.has('metadata') || spec.metadataKeys.size > 0)) {
    const metadata: Record<string, string> = { ...customer.metadata };
    for (const key of Object.keys(metadata)) {
      if (spec.fields.has('metadata') || spec.metadataKeys.has(key))
        metadata[key] = replace(metadata[key], () => HIDDEN) as string;
    }
    out.metadata = metadata;
  }
  if (customer.details) out.details = maskDetails(customer.details, replacements, spec);
  return out as T;
}

/** Runs of text between separators: each run is looked at once, so the cost is linear in the text. */
const TOKEN = /[^\s"<>()[\],;:]+/g;

function isEmail(token: string): boolean {
  const at = token.indexOf('@');
  if (at <= 0 || token.indexOf('@', at + 1) !== -1) return false;
  const dot = token.indexOf('.', at + 2);
  return dot !== -1 && dot < token.length - 1;
}

/** details with every value that equals a masked one replaced, and any email when emails are masked. */
function maskDetails(
  details: Record<string, unknown>,
  replacements: ReadonlyMap<string, string>,
  spec: MaskSpec,
): Record<string, unknown> {
  const emails = spec.fields.has('email');
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      const known = replacements.get(value.trim().toLowerCase());
      if (known !== undefined) return known;
      return emails
        ? value.replace(TOKEN, (token) => (isEmail(token) ? maskEmail(token) : token))
        : value;
    }
    if (value === null || typeof value !== 'object' || depth > 64) return value;
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) setData(copy, key, walk(entry, depth + 1));
    return copy;
  };
  return walk(details, 0) as Record<string, unknown>;
}

/**
 * A tool's structured result with every customer in it masked: `customer` (get), `items` (a list
 * page) and each `find_customers` section's `items`. Anything else passes through as it is.
 */
export function maskResult(
  value: Record<string, unknown>,
  spec: MaskSpec,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  if (isObject(value.customer)) out.customer = maskCustomer(value.customer, spec);
  if (Array.isArray(value.items))
    out.items = value.items.map((item) => (isObject(item) ? maskCustomer(item, spec) : item));
  if (Array.isArray(value.results))
    out.results = value.results.map((section) =>
      isObject(section) ? maskResult(section, spec) : section,
    );
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
