/**
 * Credential redaction (CONTRACT §5): every string that leaves the process is matched against
 * every credential in use, in every form a provider could echo it back in. `processSecrets` holds
 * the keys from the environment; an Upstream and (in remote mode) a request hold their own.
 */

import { canonical, literal, withCores } from './redact-decode.js';
import { Automaton, matchSpans } from './redact-match.js';

/** Shorter values are ignored: redacting "abc" everywhere would garble output, not protect it. */
export const MIN_SECRET_LENGTH = 6;
const MARK = '[redacted]';
/** What a text becomes when its redaction cannot run (fail closed: it is withheld whole). */
const WITHHELD = '[redacted: text withheld, redaction failed]';
const SCHEME = /^(Bearer|Basic|Token)\s+/i;

export class Secrets {
  private readonly forms = new Set<string>();
  private automaton: Automaton | undefined;

  /** Registers a credential (an API key, or a whole auth header value with its scheme word). */
  add(value: string | undefined): void {
    if (value === undefined) return;
    const before = this.forms.size;
    for (const form of echoForms(value)) if (form.length >= MIN_SECRET_LENGTH) this.forms.add(form);
    if (this.forms.size !== before) this.automaton = undefined;
  }

  /** Forgets every credential (a test runner reusing this module between files starts empty). */
  clear(): void {
    this.forms.clear();
    this.automaton = undefined;
  }

  get empty(): boolean {
    return this.forms.size === 0;
  }

  /** `text` with every match replaced by the mark; never throws (a failure withholds the text). */
  redact(text: string): string {
    try {
      return this.redactOrThrow(text);
    } catch {
      return WITHHELD;
    }
  }

  /** As `redact`, but a failure throws (for callers that replace the whole message instead). */
  redactOrThrow(text: string): string {
    if (this.forms.size === 0) return text;
    const spans = matchSpans(this.matcher(), text, false);
    if (spans.length === 0) return text;
    let out = '';
    let at = 0;
    for (let k = 0; k < spans.length; k += 2) {
      out += `${text.slice(at, spans[k])}${MARK}`;
      at = spans[k + 1] as number;
    }
    return out + text.slice(at);
  }

  /** Whether `text` holds any form of any credential of this set (throws if it cannot tell). */
  holds(text: string): boolean {
    if (this.forms.size === 0) return false;
    return matchSpans(this.matcher(), text, true).length > 0;
  }

  /**
   * One automaton over every form, each read two ways: as the decoder reads it on its own (its
   * escapes decoded, as they are when the form is echoed as it is), and unit by unit (as they are
   * when the echo spells the form's characters apart, e.g. a backslash percent-encoded), each
   * with its cores (see `withCores`).
   */
  private matcher(): Automaton {
    if (this.automaton) return this.automaton;
    const patterns = new Map<string, number[]>();
    for (const form of this.forms) {
      for (const codes of [canonical(form), literal(form)]) {
        for (const core of withCores(codes, MIN_SECRET_LENGTH)) patterns.set(core.join(','), core);
      }
    }
    this.automaton = new Automaton([...patterns.values()]);
    return this.automaton;
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

function redactOrThrowWith(text: string, secrets: readonly Secrets[]): string {
  let out = text;
  for (const set of secrets) out = set.redactOrThrow(out);
  return out;
}

/**
 * A copy of a JSON value with every string and object key redacted. Iterative, so no input depth
 * can overflow the stack; the input is never modified (tool results may share upstream objects).
 * Throws if redaction cannot run: the transport then sends a coded error instead (fail closed).
 */
export function redactDeep<T>(value: T, secrets: readonly Secrets[]): T {
  const active = secrets.filter((set) => !set.empty);
  if (active.length === 0 || !mayHold(value, active)) return value;
  const clean = (text: string) => redactOrThrowWith(text, active);
  const root: { value: unknown } = { value };
  const stack: [unknown, Record<string | number, unknown>, string | number][] = [
    [value, root as Record<string, unknown>, 'value'],
  ];
  const results: [ToolResultLike, Record<string, unknown>][] = [];
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
      if (isToolResult(current)) results.push([current, copy]);
      for (const [key, child] of Object.entries(current)) {
        const slot = clean(key);
        copy[slot] = null; // claims the key's place now: the stack fills it later, out of order
        stack.push([child, copy, slot]);
      }
    } else {
      parent[slot] = current;
    }
  }
  for (const [original, copy] of results) keepTextInStep(original, copy, clean);
  return root.value as T;
}

interface ToolResultLike {
  structuredContent: unknown;
  content: { type?: unknown; text?: unknown }[];
}

function isToolResult(value: object): value is ToolResultLike {
  const { structuredContent, content } = value as Partial<ToolResultLike>;
  return (
    typeof structuredContent === 'object' && structuredContent !== null && Array.isArray(content)
  );
}

/**
 * A tool result's text is the JSON of its structuredContent (CONTRACT §3); each was redacted on
 * its own, so the text is rebuilt from the redacted structuredContent to stay exactly its JSON.
 * Only a form spelled across two JSON strings could still match the rebuilt text: then it is
 * redacted too (no leak, at the cost of that one text no longer being the exact JSON).
 */
function keepTextInStep(
  original: ToolResultLike,
  copy: Record<string, unknown>,
  clean: (text: string) => string,
): void {
  const json = JSON.stringify(original.structuredContent);
  const items = copy.content as { text?: unknown }[];
  original.content.forEach((item, index) => {
    const target = items[index];
    if (item?.type !== 'text' || item.text !== json || !target || typeof target !== 'object')
      return;
    target.text = clean(JSON.stringify(copy.structuredContent));
  });
}

/**
 * The fast path for the common case, a message that holds no credential: one test over its JSON
 * text instead of a copy of every node. Sound because the matcher reads JSON escapes (nested to
 * any depth) back to the characters they stand for, and serializing a string to JSON never
 * changes how it reads (see src/redact-match.ts): a string holding a match still holds it once
 * serialized. A value JSON cannot serialize (too deep) takes the full walk.
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
 * character is spelled (percent-encoded, JSON or HTML escapes) and case are left to the matcher.
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
