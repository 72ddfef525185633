/**
 * The matching behind redaction (src/redact.ts), in time linear in the text and the keys whatever
 * they contain: the text is read once into a canonical stream of units — each unit one character
 * however it was spelled (raw, percent-encoded, a JSON escape, an HTML entity, nested in any of
 * these to any depth), with the span of source text it came from — and one Aho–Corasick
 * automaton over every registered pattern walks that stream. No regular expression, so nothing is
 * compiled from key material and nothing backtracks.
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
/** Only these can end an escape: a short escape's letter, a hex digit, ';'. */
const ENDS_ESCAPE = new Uint8Array(128).map((_, code) =>
  SHORT[code] !== -1 || hexValue(code) >= 0 || code === SEMICOLON ? 1 : 0,
);
const HTML_NAMES: [string, number][] = [
  ['lt', 0x3c],
  ['gt', 0x3e],
  ['amp', 0x26],
  ['quot', 0x22],
  ['apos', 0x27],
];

/** Folding for case-insensitive matching (and `+` read as the space it stands for in a query). */
const FOLD_ASCII = new Int32Array(128).map((_, code) =>
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

/** The decoded stream: reused between calls (redaction is synchronous), grown as needed. */
class Units {
  code = new Int32Array(0);
  start = new Int32Array(0);
  end = new Int32Array(0);
  depth = new Int32Array(0);
  length = 0;

  reserve(size: number): void {
    if (this.code.length >= size) return;
    const capacity = Math.max(size, this.code.length * 2, 1024);
    this.code = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.depth = new Int32Array(capacity);
  }

  /** Drops very large buffers after use, so one big message does not pin memory for good. */
  shrink(): void {
    if (this.code.length > 1 << 20) this.code = this.start = this.end = this.depth = new Int32Array(0);
  }
}

const units = new Units();

/** Decodes `text` into `units` (a unit per source character at most, so the buffers suffice). */
export function decode(text: string, into: Units = units): Units {
  into.reserve(text.length);
  const { code, start, end, depth } = into;
  let top = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    code[top] = c;
    start[top] = i;
    end[top] = i + 1;
    depth[top] = 0;
    top++;
    if (c < 128 && ENDS_ESCAPE[c] === 1) top = reduce(into, top);
  }
  into.length = top;
  return into;
}

/** Replaces the units from `first` to the top with one unit; returns the new top. */
function replace(u: Units, first: number, top: number, value: number, depth: number): number {
  u.code[first] = value;
  u.end[first] = u.end[top - 1] as number;
  u.depth[first] = depth;
  return first + 1;
}

function reduce(u: Units, initialTop: number): number {
  const { code, depth } = u;
  let top = initialTop;
  for (;;) {
    const last = top - 1;
    const c = code[last] as number;
    // JSON short escape: \" \\ \/ \b \f \n \r \t
    if (top >= 2 && code[last - 1] === BACKSLASH && c < 128 && (SHORT[c] as number) >= 0) {
      const introducer = depth[last - 1] as number;
      const paired = c !== BACKSLASH && c !== QUOTE;
      if (paired || (introducer !== MIXED && depth[last] === introducer)) {
        top = replace(u, last - 1, top, SHORT[c] as number, nextDepth(introducer));
        continue;
      }
    }
    const hex = hexValue(c);
    if (hex >= 0) {
      // %HH
      if (top >= 3 && code[last - 2] === PERCENT) {
        const high = hexValue(code[last - 1] as number);
        if (high >= 0) {
          const byte = high * 16 + hex;
          top = replace(u, last - 2, top, byte < 0x80 ? byte : BYTE_BASE + byte, MIXED);
          if (byte >= 0x80) top = joinUtf8(u, top);
          continue;
        }
      }
      // \uXXXX
      if (top >= 6 && code[last - 5] === BACKSLASH && ((code[last - 4] as number) | 0x20) === 0x75) {
        const a = hexValue(code[last - 3] as number);
        const b = hexValue(code[last - 2] as number);
        const d = hexValue(code[last - 1] as number);
        if (a >= 0 && b >= 0 && d >= 0) {
          const value = (a << 12) | (b << 8) | (d << 4) | hex;
          top = replace(u, last - 5, top, value, nextDepth(depth[last - 5] as number));
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

/** `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` (any case), `&#NNN;`, `&#xHHH;` (any leading zeros). */
function htmlEntity(u: Units, top: number): number {
  const { code } = u;
  const semicolon = top - 1;
  for (const [name, value] of HTML_NAMES) {
    const amp = semicolon - name.length - 1;
    if (amp < 0 || code[amp] !== AMP) continue;
    let same = true;
    for (let k = 0; k < name.length && same; k++) {
      same = ((code[amp + 1 + k] as number) | 0x20) === name.charCodeAt(k);
    }
    if (same) return replace(u, amp, top, value, MIXED);
  }
  // The digits before ';': each run is scanned once (a ';' left in place ends the next scan).
  let first = semicolon;
  let decimal = true;
  while (first > 0 && hexValue(code[first - 1] as number) >= 0) {
    first--;
    const digit = code[first] as number;
    if (digit < 0x30 || digit > 0x39) decimal = false;
  }
  if (first === semicolon) return top;
  let marker = first - 1;
  const isHex = marker >= 0 && ((code[marker] as number) | 0x20) === 0x78;
  if (isHex) marker--;
  else if (!decimal) return top;
  if (marker < 1 || code[marker] !== HASH || code[marker - 1] !== AMP) return top;
  let value = 0;
  for (let k = first; k < semicolon; k++) {
    value = value * (isHex ? 16 : 10) + hexValue(code[k] as number);
    if (value > 0x10ffff) return top;
  }
  return emitCodePoint(u, marker - 1, top, value);
}

/** A lone byte just pushed may complete a UTF-8 sequence of percent-encoded bytes. */
function joinUtf8(u: Units, top: number): number {
  const { code } = u;
  let first = top - 1;
  while (first > top - 4 && first > 0 && isContinuation(code[first] as number)) first--;
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

/** One unit for a BMP character, two (a surrogate pair, the same span) beyond it. */
function emitCodePoint(u: Units, first: number, top: number, value: number): number {
  if (value <= 0xffff || top - first < 2) return replace(u, first, top, value, MIXED);
  const spanEnd = u.end[top - 1] as number;
  const offset = value - 0x10000;
  u.code[first] = 0xd800 + (offset >> 10);
  u.code[first + 1] = 0xdc00 + (offset & 0x3ff);
  u.start[first + 1] = u.start[first] as number;
  u.end[first] = spanEnd;
  u.end[first + 1] = spanEnd;
  u.depth[first] = MIXED;
  u.depth[first + 1] = MIXED;
  return first + 2;
}

/** The canonical reading of a pattern (a credential form) on its own, folded. */
export function canonical(text: string): number[] {
  const read = decode(text, new Units());
  return Array.from(read.code.subarray(0, read.length), fold);
}

/** Each UTF-16 unit of `text` as it is, folded (a form whose own escapes were spelled apart). */
export function literal(text: string): number[] {
  return Array.from({ length: text.length }, (_, i) => fold(text.charCodeAt(i)));
}

/**
 * Aho–Corasick over folded unit codes. The trie is stored flat: a child list per node
 * (first child, next sibling, label), a dense table for the root, and for every node the length
 * of the longest pattern ending there (its own, or through its failure link), so a match costs
 * one lookup whatever the patterns overlap.
 */
export class Automaton {
  private readonly label: Int32Array;
  private readonly firstChild: Int32Array;
  private readonly sibling: Int32Array;
  private readonly fail: Int32Array;
  private readonly longest: Int32Array;
  private readonly root = new Int32Array(128).fill(-1);
  private size = 1;

  constructor(patterns: readonly number[][]) {
    const capacity = 1 + patterns.reduce((sum, p) => sum + p.length, 0);
    this.label = new Int32Array(capacity);
    this.firstChild = new Int32Array(capacity).fill(-1);
    this.sibling = new Int32Array(capacity).fill(-1);
    this.fail = new Int32Array(capacity);
    this.longest = new Int32Array(capacity);
    for (const pattern of patterns) this.insert(pattern);
    this.link();
  }

  private child(node: number, c: number): number {
    if (node === 0 && c < 128) return this.root[c] as number;
    for (let k = this.firstChild[node] as number; k !== -1; k = this.sibling[k] as number) {
      if (this.label[k] === c) return k;
    }
    return -1;
  }

  private insert(pattern: readonly number[]): void {
    if (pattern.length === 0) return;
    let node = 0;
    for (const c of pattern) {
      let next = this.child(node, c);
      if (next === -1) {
        next = this.size++;
        this.label[next] = c;
        this.sibling[next] = this.firstChild[node] as number;
        this.firstChild[node] = next;
        if (node === 0 && c < 128) this.root[c] = next;
      }
      node = next;
    }
    this.longest[node] = pattern.length;
  }

  /** Failure links, breadth first. */
  private link(): void {
    const queue = new Int32Array(this.size);
    let head = 0;
    let tail = 0;
    for (let k = this.firstChild[0] as number; k !== -1; k = this.sibling[k] as number) {
      this.fail[k] = 0;
      queue[tail++] = k;
    }
    while (head < tail) {
      const node = queue[head++] as number;
      for (let k = this.firstChild[node] as number; k !== -1; k = this.sibling[k] as number) {
        const c = this.label[k] as number;
        let f = this.fail[node] as number;
        let target = this.child(f, c);
        while (target === -1 && f !== 0) {
          f = this.fail[f] as number;
          target = this.child(f, c);
        }
        this.fail[k] = target === -1 || target === k ? 0 : target;
        if (this.longest[k] === 0) this.longest[k] = this.longest[this.fail[k] as number] as number;
        queue[tail++] = k;
      }
    }
  }

  /**
   * Every match, as the longest pattern ending at each unit: `onMatch(lastUnit, length)`.
   * Returns early when `onMatch` returns true.
   */
  scan(codes: Int32Array | string, length: number, onMatch: (last: number, length: number) => boolean): void {
    const isText = typeof codes === 'string';
    let node = 0;
    for (let j = 0; j < length; j++) {
      const c = fold(isText ? codes.charCodeAt(j) : (codes[j] as number));
      for (;;) {
        const next = this.child(node, c);
        if (next !== -1) {
          node = next;
          break;
        }
        if (node === 0) break;
        node = this.fail[node] as number;
      }
      const found = this.longest[node] as number;
      if (found > 0 && onMatch(j, found)) return;
    }
  }
}

/** Whether reading `text` needs decoding at all: without these characters it reads as it is. */
function needsDecoding(text: string): boolean {
  return text.includes('\\') || text.includes('%') || text.includes('&');
}

/** Source spans [start, end) of every match, merged where they touch or overlap. */
export function matchSpans(automaton: Automaton, text: string, firstOnly: boolean): number[] {
  const spans: number[] = [];
  const add = (from: number, to: number) => {
    let start = from;
    let end = to;
    // A later match may start before earlier ones: fold back every span it reaches.
    while (spans.length > 0 && start <= (spans[spans.length - 1] as number)) {
      end = Math.max(end, spans.pop() as number);
      start = Math.min(start, spans.pop() as number);
    }
    spans.push(start, end);
    return firstOnly;
  };
  if (!needsDecoding(text)) {
    automaton.scan(text, text.length, (last, length) => add(last - length + 1, last + 1));
    return spans;
  }
  const read = decode(text);
  try {
    automaton.scan(read.code, read.length, (last, length) =>
      add(read.start[last - length + 1] as number, read.end[last] as number),
    );
  } finally {
    read.shrink();
  }
  return spans;
}
