/**
 * The reading behind redaction (src/redact.ts, src/redact-match.ts): text decoded into a canonical
 * stream of units — each unit one character however it was spelled (raw, percent-encoded, a JSON
 * escape, an HTML entity, nested in any of these to any depth), with the span of source text it
 * came from — and the patterns (credential forms) read the same way.
 *
 * Decoding is shift–reduce: each source character is pushed as a unit, and whenever the last
 * units spell an escape they are replaced by the unit they stand for, which may in turn complete
 * an escape of the next level (`%2541` → `%41` → `A`; `\\u005f` → `\u005f` → `_`). Every
 * reduction removes at least one unit, and each looks at a bounded tail, so the pass is linear.
 *
 * JSON nesting is read as JSON writes it. A unit carries its JSON depth (0 raw, n+1 for what an
 * escape of depth n decoded to); in `\X` with X a backslash or a quote, both must have the same
 * depth, because at depth n ≥ 1 those two characters only ever appear escaped. So `\\"` (a JSON
 * string's backslash, then its closing quote) stays two units, and serializing a text to JSON
 * never changes how it reads: the fast path in redact.ts relies on that. Units decoded from
 * percent or HTML escapes have no JSON depth (MIXED) and never pair with a quote or backslash.
 */

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const PERCENT = 0x25;
const AMP = 0x26;
const HASH = 0x23;
const SEMICOLON = 0x3b;
/** A percent-encoded byte ≥ 0x80 not (yet) part of a whole UTF-8 sequence: above every code point. */
const BYTE_BASE = 0x110000;
const MIXED = -1;

/** JSON's short escapes: the character after the backslash → what it stands for. */
const SHORT = new Int32Array(128).fill(-1);
for (const [letter, value] of [
  ['"', 0x22],
  ['\\', 0x5c],
  ['/', 0x2f],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
] as const) {
  SHORT[letter.charCodeAt(0)] = value;
}
/** Per ASCII character: may end an escape (a short escape's letter, a hex digit, ';'), opens one, has a JSON depth. */
const ENDS = 1;
const OPENS = 2;
const DEPTH = 4;
const FLAGS = new Uint8Array(128).map(
  (_, code) =>
    (SHORT[code] !== -1 || hexValue(code) >= 0 || code === SEMICOLON ? ENDS : 0) |
    (code === BACKSLASH || code === PERCENT || code === AMP ? OPENS : 0) |
    (code === BACKSLASH || code === QUOTE ? DEPTH : 0),
);
const HTML_NAMES: [string, number][] = [
  ['lt', 0x3c],
  ['gt', 0x3e],
  ['amp', 0x26],
  ['quot', 0x22],
  ['apos', 0x27],
];

/** Folding for case-insensitive matching (and `+` read as the space it stands for in a query). */
export const FOLD_ASCII = new Int32Array(128).map((_, code) =>
  code >= 0x41 && code <= 0x5a ? code + 0x20 : code === 0x2b ? 0x20 : code,
);
const foldCache = new Map<number, number>();

export function fold(code: number): number {
  if (code < 128) return FOLD_ASCII[code] as number;
  if (code >= 0xd800) return code; // surrogates, private use, lone bytes: as they are
  let folded = foldCache.get(code);
  if (folded === undefined) {
    const lower = String.fromCharCode(code).toLowerCase();
    folded = lower.length === 1 ? lower.charCodeAt(0) : code;
    if (foldCache.size < 4096) foldCache.set(code, folded);
  }
  return folded;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * The decoded stream, reused between calls (redaction is synchronous) and grown as needed. Only
 * the stretches of text around escapes are decoded into it; the rest is read in place (see
 * `matchSpans`). Within a stretch units cover the source without gaps, so a unit ends where the
 * next starts (a sentinel after each stretch holds its end). `depth` is kept only for backslashes
 * and quotes, the only units it matters for. `base` is where the current stretch begins:
 * reductions never look below it. `open` lists, in order, the units that may still begin an
 * escape (introducers and lone percent-encoded bytes).
 */
export class Units {
  code = new Int32Array(0);
  start = new Int32Array(0);
  depth = new Int32Array(0);
  base = 0;
  readonly open: number[] = [];

  reserve(size: number): void {
    if (this.code.length > size) return;
    const capacity = Math.max(size + 1, this.code.length * 2, 1024);
    this.code = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.depth = new Int32Array(capacity);
  }

  /** Drops very large buffers after use, so one big message does not pin memory for good. */
  shrink(): void {
    if (this.code.length > 1 << 21) this.code = this.start = this.depth = new Int32Array(0);
  }
}

/** The one decoding buffer (redaction is synchronous). */
export const units = new Units();

/**
 * The most units an escape spans: `&#x` + 8 hex digits + `;`. An introducer further back than
 * this from the top can begin no escape any more, so the stretch before it is final.
 */
const WINDOW = 12;
/**
 * A stretch ends only this many units after the last introducer (at least WINDOW): switching
 * between decoding and reading in place has a cost, which text dense with escapes (JSON of JSON)
 * would otherwise pay at every escape.
 */
export const SETTLE_AFTER = 256;
const MAX_ENTITY_DIGITS = 8;

/** The last unit that may still begin an escape, or -Infinity. */
function lastOpen(u: Units): number {
  return u.open.length === 0 ? Number.NEGATIVE_INFINITY : (u.open[u.open.length - 1] as number);
}

function opensEscape(code: number): boolean {
  return code === BACKSLASH || code === PERCENT || code === AMP || code >= BYTE_BASE;
}

/**
 * Pushes the characters of `text` from `from` as units at `top`, reducing escapes as they
 * complete, until the end of the text or (with `settle`) until no escape can still form; returns
 * the next source position, and leaves the units' top in `u.start[u.code.length]`'s stead via
 * the returned pair.
 */
export function decodeStretch(
  text: string,
  from: number,
  u: Units,
  initialTop: number,
  settle: boolean,
): [next: number, top: number] {
  const { code, start, depth, open } = u;
  let top = initialTop;
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    code[top] = c;
    start[top] = i;
    const flags = c < 128 ? (FLAGS[c] as number) : 0;
    if (flags !== 0) {
      if ((flags & DEPTH) !== 0) depth[top] = 0;
      if ((flags & OPENS) !== 0) open.push(top);
    }
    top++;
    i++;
    // Only a character that can end an escape, with an introducer close enough behind it, can
    // complete one (every escape begins with a unit listed in `open`): a call per character costs.
    if (
      (flags & ENDS) !== 0 &&
      open.length > 0 &&
      top - (open[open.length - 1] as number) <= WINDOW
    ) {
      top = reduce(u, top);
    }
    // Checked every 64 characters: it is the stretch's end that matters, not its exact place.
    if (settle && (i & 63) === 0 && top - lastOpen(u) > SETTLE_AFTER) break;
  }
  open.length = 0;
  return [i, top];
}

/** Replaces the units from `first` to the top with one unit; returns the new top. */
function replace(u: Units, first: number, value: number, depth: number): number {
  u.code[first] = value;
  u.depth[first] = depth;
  const { open } = u;
  while (open.length > 0 && (open[open.length - 1] as number) >= first) open.pop();
  if (opensEscape(value)) open.push(first);
  return first + 1;
}

function reduce(u: Units, initialTop: number): number {
  const { code, depth, base } = u;
  let top = initialTop;
  for (;;) {
    const last = top - 1;
    const held = top - base;
    const c = code[last] as number;
    // JSON short escape: \" \\ \/ \b \f \n \r \t
    if (held >= 2 && code[last - 1] === BACKSLASH && c < 128 && (SHORT[c] as number) >= 0) {
      const introducer = depth[last - 1] as number;
      const paired = c !== BACKSLASH && c !== QUOTE;
      if (paired || (introducer !== MIXED && depth[last] === introducer)) {
        top = replace(u, last - 1, SHORT[c] as number, nextDepth(introducer));
        continue;
      }
    }
    const hex = hexValue(c);
    if (hex >= 0) {
      // %HH
      if (held >= 3 && code[last - 2] === PERCENT) {
        const high = hexValue(code[last - 1] as number);
        if (high >= 0) {
          const byte = high * 16 + hex;
          top = replace(u, last - 2, byte < 0x80 ? byte : BYTE_BASE + byte, MIXED);
          if (byte >= 0x80) top = joinUtf8(u, top);
          continue;
        }
      }
      // \uXXXX
      if (
        held >= 6 &&
        code[last - 5] === BACKSLASH &&
        ((code[last - 4] as number) | 0x20) === 0x75
      ) {
        const a = hexValue(code[last - 3] as number);
        const b = hexValue(code[last - 2] as number);
        const d = hexValue(code[last - 1] as number);
        if (a >= 0 && b >= 0 && d >= 0) {
          const value = (a << 12) | (b << 8) | (d << 4) | hex;
          top = replace(u, last - 5, value, nextDepth(depth[last - 5] as number));
          continue;
        }
      }
    }
    if (c === SEMICOLON) {
      const reduced = htmlEntity(u, top);
      if (reduced !== top) {
        top = reduced;
        continue;
      }
    }
    return top;
  }
}

function nextDepth(introducer: number): number {
  return introducer === MIXED ? MIXED : introducer + 1;
}

/** `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` (any case), `&#NNN;`, `&#xHHH;` (up to 8 digits). */
function htmlEntity(u: Units, top: number): number {
  const { code, base } = u;
  const semicolon = top - 1;
  for (const [name, value] of HTML_NAMES) {
    const amp = semicolon - name.length - 1;
    if (amp < base || code[amp] !== AMP) continue;
    let same = true;
    for (let k = 0; k < name.length && same; k++) {
      same = ((code[amp + 1 + k] as number) | 0x20) === name.charCodeAt(k);
    }
    if (same) return replace(u, amp, value, MIXED);
  }
  let first = semicolon;
  let decimal = true;
  while (
    first > base &&
    semicolon - first < MAX_ENTITY_DIGITS &&
    hexValue(code[first - 1] as number) >= 0
  ) {
    first--;
    const digit = code[first] as number;
    if (digit < 0x30 || digit > 0x39) decimal = false;
  }
  if (first === semicolon) return top;
  let marker = first - 1;
  const isHex = marker >= base && ((code[marker] as number) | 0x20) === 0x78;
  if (isHex) marker--;
  else if (!decimal) return top;
  if (marker < base + 1 || code[marker] !== HASH || code[marker - 1] !== AMP) return top;
  let value = 0;
  for (let k = first; k < semicolon; k++)
    value = value * (isHex ? 16 : 10) + hexValue(code[k] as number);
  if (value > 0x10ffff) return top;
  return emitCodePoint(u, marker - 1, top, value);
}

/** A lone byte just pushed may complete a UTF-8 sequence of percent-encoded bytes. */
function joinUtf8(u: Units, top: number): number {
  const { code, base } = u;
  let first = top - 1;
  while (first > top - 4 && first > base && isContinuation(code[first] as number)) first--;
  const lead = (code[first] as number) - BYTE_BASE;
  const size = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
  if (lead > 0xf4 || size !== top - first) return top;
  let value = lead & (0xff >> (size + 1));
  for (let k = first + 1; k < top; k++) value = (value << 6) | ((code[k] as number) & 0x3f);
  return emitCodePoint(u, first, top, value);
}

function isContinuation(code: number): boolean {
  return code >= BYTE_BASE + 0x80 && code <= BYTE_BASE + 0xbf;
}

/**
 * One unit for a BMP character; beyond it two (a surrogate pair), the second spanning the
 * escape's last source character so that units stay contiguous.
 */
function emitCodePoint(u: Units, first: number, top: number, value: number): number {
  if (value <= 0xffff || top - first < 2) return replace(u, first, value, MIXED);
  const offset = value - 0x10000;
  replace(u, first, 0xd800 + (offset >> 10), MIXED);
  u.code[first + 1] = 0xdc00 + (offset & 0x3ff);
  u.start[first + 1] = u.start[top - 1] as number;
  return first + 2;
}

/** The canonical reading of a pattern (a credential form) on its own, folded. */
export function canonical(text: string): number[] {
  const u = new Units();
  u.reserve(text.length);
  const [, top] = decodeStretch(text, 0, u, 0, false);
  return Array.from(u.code.subarray(0, top), fold);
}

/**
 * A pattern and the cores that still match when the text around it joins one of its ends into an
 * escape: a preceding `\` or `%4` can swallow up to WINDOW - 1 leading units that may end an
 * escape (hex digits, `u`, `x`, `#`, a short escape's letter), and a trailing `\`, `%` or `&`
 * can be joined with the text after it. The cores are kept only if still `minimum` long: the
 * rest of the pattern stays redacted wherever the whole pattern matches.
 */
export function withCores(pattern: readonly number[], minimum: number): number[][] {
  let lead = 0;
  while (lead < pattern.length && lead < WINDOW - 1 && endsEscape(pattern[lead] as number)) lead++;
  // Cut before the first, or only the last, unit in the last WINDOW that may open an escape.
  let first = pattern.length;
  let last = pattern.length;
  for (let k = Math.max(0, pattern.length - WINDOW); k < pattern.length; k++) {
    if (!opensEscape(pattern[k] as number)) continue;
    first = Math.min(first, k);
    last = k;
  }
  const out = [pattern.slice()];
  for (const [from, to] of [
    [lead, pattern.length],
    [0, first],
    [0, last],
    [lead, first],
    [lead, last],
  ] as const) {
    if ((from > 0 || to < pattern.length) && to - from >= minimum)
      out.push(pattern.slice(from, to));
  }
  return out;
}

/** Folded units that can follow an escape's first unit in JSON, percent and numeric HTML escapes. */
function endsEscape(code: number): boolean {
  return (
    hexValue(code) >= 0 ||
    code === 0x75 || // u
    code === 0x78 || // x
    code === HASH ||
    (code < 128 && (SHORT[code] as number) >= 0) ||
    code >= BYTE_BASE
  );
}

/** Each UTF-16 unit of `text` as it is, folded (a form whose own escapes were spelled apart). */
export function literal(text: string): number[] {
  return Array.from({ length: text.length }, (_, i) => fold(text.charCodeAt(i)));
}
