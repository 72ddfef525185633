/**
 * Credential redaction (CONTRACT §5): every string that leaves the process is matched against
 * every credential in use, in every form a provider could echo it back in. `processSecrets` holds
 * the keys from the environment; an Upstream and (in remote mode) a request hold their own.
 */

/** Shorter values are ignored: redacting "abc" everywhere would garble output, not protect it. */
export const MIN_SECRET_LENGTH = 6;
const MARK = '[redacted]';
const SCHEME = /^(Bearer|Basic|Token)\s+/i;

export class Secrets {
  private readonly forms = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers a credential (an API key, or a whole auth header value with its scheme word). */
  add(value: string | undefined): void {
    if (value === undefined) return;
    const before = this.forms.size;
    for (const form of echoForms(value)) if (form.length >= MIN_SECRET_LENGTH) this.forms.add(form);
    if (this.forms.size !== before) this.pattern = compile(this.forms);
  }

  get empty(): boolean {
    return this.pattern === undefined;
  }

  redact(text: string): string {
    return this.pattern === undefined ? text : text.replace(this.pattern, MARK);
  }

  /** Whether `text` holds any form of any credential of this set. */
  holds(text: string): boolean {
    if (this.pattern === undefined) return false;
    this.pattern.lastIndex = 0; // a global regex's test() starts where the last one stopped
    return this.pattern.test(text);
  }
}

/** Environment keys, registered at the very start of the bin (before any config error is printed). */
export const processSecrets = new Secrets();

/** `text` through every set in turn. */
export function redactWith(text: string, secrets: readonly Secrets[]): string {
  let out = text;
  for (const set of secrets) out = set.redact(out);
  return out;
}

/**
 * A copy of a JSON value with every string and object key redacted. Iterative, so no input depth
 * can overflow the stack; the input is never modified (tool results may share upstream objects).
 */
export function redactDeep<T>(value: T, secrets: readonly Secrets[]): T {
  const active = secrets.filter((set) => !set.empty);
  if (active.length === 0 || !mayHold(value, active)) return value;
  const clean = (text: string) => redactWith(text, active);
  const root: { value: unknown } = { value };
  const stack: [unknown, Record<string | number, unknown>, string | number][] = [
    [value, root as Record<string, unknown>, 'value'],
  ];
  while (stack.length > 0) {
    const [current, parent, slot] = stack.pop() as (typeof stack)[number];
    if (typeof current === 'string') {
      parent[slot] = clean(current);
    } else if (Array.isArray(current)) {
      const copy: unknown[] = new Array(current.length);
      parent[slot] = copy;
      current.forEach((child, index) => {
        stack.push([child, copy as unknown as Record<number, unknown>, index]);
      });
    } else if (current !== null && typeof current === 'object') {
      // Null prototype: a key "__proto__" stays plain data in the copy.
      const copy: Record<string, unknown> = Object.create(null);
      parent[slot] = copy;
      for (const [key, child] of Object.entries(current)) {
        const slot = clean(key);
        copy[slot] = null; // claims the key's place now: the stack fills it later, out of order
        stack.push([child, copy, slot]);
      }
    } else {
      parent[slot] = current;
    }
  }
  return root.value as T;
}

/**
 * The fast path for the common case, a message that holds no credential: one test over its JSON
 * text instead of a copy of every node. Sound because every spelling in the pattern is also
 * matched as it reads inside a JSON string (see `spellings`), and JSON escapes character by
 * character: a string holding a match still holds one once serialized. A value JSON cannot
 * serialize (too deep) takes the full walk.
 */
function mayHold(value: unknown, secrets: readonly Secrets[]): boolean {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return true;
  }
  return json === undefined || secrets.some((set) => set.holds(json));
}

/**
 * The texts a provider could echo a credential as: as sent, trimmed, without its scheme word, and
 * base64 / base64url with and without padding, including the runs that stay fixed when it is
 * embedded in a longer base64 text at any byte offset (`Basic base64(user:key)`). How each
 * character is spelled (percent-encoded, JSON or HTML escapes) is left to `compile`, and case to
 * the regex flag.
 */
function echoForms(value: string): Set<string> {
  const bases = new Set([value, value.trim(), value.trim().replace(SCHEME, '')]);
  const forms = new Set<string>();
  for (const base of bases) {
    if (base.trim().length < MIN_SECRET_LENGTH) continue;
    forms.add(base);
    for (const b64 of base64Forms(Buffer.from(base, 'utf8'))) {
      forms.add(b64);
      forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return forms;
}

function base64Forms(bytes: Buffer): string[] {
  const padded = bytes.toString('base64');
  const out = [padded, padded.replace(/=+$/, '')];
  // Embedded after 0, 1 or 2 other bytes: only whole 3-byte groups made of key bytes alone are
  // fixed text; the groups shared with the neighbours are dropped.
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const firstWhole = offset === 0 ? 0 : 4;
    const lastWhole = Math.floor((offset + bytes.length) / 3) * 4;
    const core = shifted.slice(firstWhole, lastWhole);
    // A short core is not distinctive enough to be worth matching.
    if (core.length >= 12) out.push(core);
  }
  return out;
}

/**
 * One case-insensitive alternation, longest first so a longer form wins over its prefix. Each
 * character other than a letter or digit may appear in any of its spellings, independently of
 * its neighbours: a provider may percent-encode only part of a key, or echo it inside JSON or
 * HTML text.
 */
function compile(forms: Set<string>): RegExp {
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((form) => [...form].map(spellings).join('')).join('|'), 'gi');
}

const HTML_NAMES: Record<string, string> = {
  '&': 'amp',
  '<': 'lt',
  '>': 'gt',
  '"': 'quot',
  "'": 'apos',
};
const JSON_SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/' };

/**
 * A regex for every way one character can be written in echoed text, each also as it reads inside
 * a JSON string (a tool result's text is the JSON of its structuredContent: a `\u005f` in the
 * data is `\\u005f` there, and both must be redacted alike).
 */
function spellings(char: string): string {
  if (/^[A-Za-z0-9]$/.test(char)) return char;
  const code = char.codePointAt(0) as number;
  const literal = new Set([
    char,
    [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''),
    // JSON's \uXXXX, one per UTF-16 unit (a pair for a character outside the BMP).
    char
      .split('')
      .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join(''),
  ]);
  if (HTML_NAMES[char]) literal.add(`&${HTML_NAMES[char]};`);
  if (JSON_SHORT[char]) literal.add(JSON_SHORT[char]);
  if (char === ' ') literal.add('+');
  const ways = new Set<string>();
  for (const way of literal) {
    ways.add(escapeRegex(way));
    ways.add(escapeRegex(JSON.stringify(way).slice(1, -1)));
  }
  // Numeric HTML entities, with any leading zeros.
  ways.add(`&#0*${code};`);
  ways.add(`&#x0*${code.toString(16)};`);
  return `(?:${[...ways].join('|')})`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
