/**
 * The matching behind redaction (src/redact.ts), in time linear in the text and the keys whatever
 * they contain: one Aho–Corasick automaton over every registered pattern walks the text's
 * canonical reading (src/redact-decode.ts). No regular expression, so nothing is compiled from key
 * material and nothing backtracks.
 */
import { decodeStretch, FOLD_ASCII, fold, SETTLE_AFTER, units } from './redact-decode.js';

const DENSE_CHILDREN = 6;
/** Complete rows for nodes up to this deep, at most MAX_DFA_ROWS of them (4 MB). */
const DFA_DEPTH = 3;
const MAX_DFA_ROWS = 8192;

/**
 * Aho–Corasick over folded unit codes. The trie is stored flat: a child list per node
 * (first child, next sibling, label), a dense table for the root, and for every node the length
 * of the longest pattern ending there (its own, or through its failure link), so a match costs
 * one lookup whatever the patterns overlap.
 */
export class Automaton {
  private label: Int32Array;
  private firstChild: Int32Array;
  private sibling: Int32Array;
  private readonly fail: Int32Array;
  private longest: Int32Array;
  private readonly root = new Int32Array(128).fill(-1);
  /** Nodes with many children (near the root, with many keys) get a dense row for ASCII. */
  private row = new Int32Array(0);
  private rows = new Int32Array(0);
  /**
   * Complete transitions (child, or where the failure links lead) for ASCII from the root and
   * the nodes up to DFA_DEPTH characters deep, where a walk over ordinary text spends most steps:
   * one load per character there. `dfaRow[node]` is the row's offset, or -1.
   */
  private readonly dfaRow: Int32Array;
  private dfa = new Int32Array(0);
  /** Per raw ASCII character: 1 if it (folded) begins some pattern. At the root, others are skipped. */
  private readonly begins = new Uint8Array(128);
  private size = 1;

  constructor(patterns: readonly number[][]) {
    const capacity = 1 + patterns.reduce((sum, p) => sum + p.length, 0);
    this.label = new Int32Array(capacity);
    this.firstChild = new Int32Array(capacity).fill(-1);
    this.sibling = new Int32Array(capacity).fill(-1);
    this.longest = new Int32Array(capacity);
    for (const pattern of patterns) this.insert(pattern);
    // Forms share prefixes (a core is a prefix of its pattern): keep only the nodes made.
    this.label = this.label.slice(0, this.size);
    this.firstChild = this.firstChild.slice(0, this.size);
    this.sibling = this.sibling.slice(0, this.size);
    this.longest = this.longest.slice(0, this.size);
    this.fail = new Int32Array(this.size);
    this.row = new Int32Array(this.size).fill(-1);
    this.dfaRow = new Int32Array(this.size).fill(-1);
    this.denseRows();
    this.link();
    // Rows three deep pay off only for large sets (hundreds of keys); a tenant's few keys get two.
    this.shallowRows(patterns.length > 512 ? DFA_DEPTH : 2);
  }

  private denseRows(): void {
    const wide: number[] = [];
    for (let node = 1; node < this.size; node++) {
      let count = 0;
      for (
        let k = this.firstChild[node] as number;
        k !== -1 && count < DENSE_CHILDREN;
        k = this.sibling[k] as number
      )
        count++;
      if (count >= DENSE_CHILDREN) wide.push(node);
    }
    this.rows = new Int32Array(wide.length * 128).fill(-1);
    wide.forEach((node, index) => {
      this.row[node] = index * 128;
      for (let k = this.firstChild[node] as number; k !== -1; k = this.sibling[k] as number) {
        const c = this.label[k] as number;
        if (c < 128) this.rows[index * 128 + c] = k;
      }
    });
  }

  private child(node: number, c: number): number {
    if (node === 0 && c < 128) return this.root[c] as number;
    // `?? -1`: while the trie is built, no node has a dense row yet.
    const row = this.row[node] ?? -1;
    if (row !== -1 && c < 128) return this.rows[row + c] as number;
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

  private shallowRows(maxDepth: number): void {
    // Breadth first, so a node's failure target (shallower) has its row before the node.
    const order = [0];
    const depth = new Map<number, number>([[0, 0]]);
    for (let at = 0; at < order.length && order.length < MAX_DFA_ROWS; at++) {
      const node = order[at] as number;
      if ((depth.get(node) as number) >= maxDepth) continue;
      for (let k = this.firstChild[node] as number; k !== -1; k = this.sibling[k] as number) {
        if (order.length >= MAX_DFA_ROWS) break;
        depth.set(k, (depth.get(node) as number) + 1);
        order.push(k);
      }
    }
    for (let c = 0; c < 128; c++)
      this.begins[c] = this.root[FOLD_ASCII[c] as number] === -1 ? 0 : 1;
    this.dfa = new Int32Array(order.length * 128);
    order.forEach((node, index) => {
      const offset = index * 128;
      this.dfaRow[node] = offset;
      const failRow = node === 0 ? -1 : (this.dfaRow[this.fail[node] as number] as number);
      for (let c = 0; c < 128; c++) {
        const next = this.child(node, c);
        this.dfa[offset + c] =
          next !== -1 ? next : failRow === -1 ? 0 : (this.dfa[failRow + c] as number);
      }
    });
  }

  /** The next state from `from` on `c`, following failure links (deep nodes; shallow ones use `dfa`). */
  private step(from: number, c: number): number {
    const { root, fail, row, rows, firstChild, sibling, label } = this;
    let node = from;
    for (;;) {
      let next = -1;
      const first = firstChild[node] as number;
      // Most nodes of long keys are a chain: one child, checked first.
      if (first !== -1 && label[first] === c) next = first;
      else if (c < 128 && node === 0) next = root[c] as number;
      else if (c < 128 && (row[node] as number) !== -1)
        next = rows[(row[node] as number) + c] as number;
      else {
        for (let k = first; k !== -1; k = sibling[k] as number) {
          if (label[k] === c) {
            next = k;
            break;
          }
        }
      }
      if (next !== -1) return next;
      if (node === 0) return 0;
      node = fail[node] as number;
    }
  }

  /**
   * Walks `text[from, to)` as it is (no escapes in it), continuing `scan`. Two copies of one loop
   * (here and `walkUnits`): a branch per character on which kind of stream it is costs.
   */
  walkText(scan: Scan, text: string, from: number, to: number): void {
    const { longest, dfaRow, dfa, begins, firstChild, label } = this;
    let node = scan.state;
    for (let j = from; j < to; j++) {
      let raw = text.charCodeAt(j);
      // At the root, a character that begins no pattern leaves it there: skip in a tight loop.
      if (node === 0 && raw < 128 && begins[raw] === 0) {
        do {
          if (++j === to) break;
          raw = text.charCodeAt(j);
        } while (raw < 128 && begins[raw] === 0);
        if (j === to) break;
      }
      const c = raw < 128 ? (FOLD_ASCII[raw] as number) : fold(raw);
      const shallow = dfaRow[node] as number;
      if (c < 128 && shallow !== -1) {
        node = dfa[shallow + c] as number;
        if (node === 0) continue;
      } else {
        // Deep in a long key, the next character is usually the chain's one child.
        const first = firstChild[node] as number;
        node = first !== -1 && label[first] === c ? first : this.step(node, c);
      }
      const found = longest[node] as number;
      if (found > 0 && scan.match(scan.count + j - from, found, j + 1)) return;
    }
    scan.state = node;
    scan.count += to - from;
  }

  /** Walks decoded units `[from, to)`, continuing `scan` (a unit ends where the next starts). */
  walkUnits(scan: Scan, code: Int32Array, start: Int32Array, from: number, to: number): void {
    const { longest, dfaRow, dfa, begins, firstChild, label } = this;
    let node = scan.state;
    for (let j = from; j < to; j++) {
      let raw = code[j] as number;
      if (node === 0 && raw < 128 && begins[raw] === 0) {
        do {
          if (++j === to) break;
          raw = code[j] as number;
        } while (raw < 128 && begins[raw] === 0);
        if (j === to) break;
      }
      const c = raw < 128 ? (FOLD_ASCII[raw] as number) : fold(raw);
      const shallow = dfaRow[node] as number;
      if (c < 128 && shallow !== -1) {
        node = dfa[shallow + c] as number;
        if (node === 0) continue;
      } else {
        // Deep in a long key, the next character is usually the chain's one child.
        const first = firstChild[node] as number;
        node = first !== -1 && label[first] === c ? first : this.step(node, c);
      }
      const found = longest[node] as number;
      if (found > 0 && scan.match(scan.count + j - from, found, start[j + 1] as number)) return;
    }
    scan.state = node;
    scan.count += to - from;
  }
}

/**
 * One walk's state, reused from call to call (redaction is synchronous): the automaton state,
 * units walked, the segment list that maps unit numbers back to source positions, and the spans
 * found so far. Per segment: the number of its first unit, and its source start (read in place)
 * or -1 - the index of its first unit in `units` (decoded).
 */
class Scan {
  state = 0;
  count = 0;
  stopped = false;
  firstOnly = false;
  readonly spans: number[] = [];
  readonly segmentUnit: number[] = [];
  readonly segmentWhere: number[] = [];

  reset(firstOnly: boolean): void {
    this.state = 0;
    this.count = 0;
    this.stopped = false;
    this.firstOnly = firstOnly;
    this.spans.length = 0;
    this.segmentUnit.length = 0;
    this.segmentWhere.length = 0;
  }

  segment(where: number): void {
    this.segmentUnit.push(this.count);
    this.segmentWhere.push(where);
  }

  private startOf(unit: number): number {
    const { segmentUnit, segmentWhere } = this;
    let low = 0;
    let high = segmentUnit.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((segmentUnit[mid] as number) <= unit) low = mid;
      else high = mid - 1;
    }
    const where = segmentWhere[low] as number;
    const offset = unit - (segmentUnit[low] as number);
    return where >= 0 ? where + offset : (units.start[-1 - where + offset] as number);
  }

  /** Records a match of `length` units ending at unit `last` (source end `end`); true: stop. */
  match(last: number, length: number, end: number): boolean {
    const { spans } = this;
    let start = this.startOf(last - length + 1);
    let to = end;
    // A later match may start before earlier ones: fold back every span it reaches.
    while (spans.length > 0 && start <= (spans[spans.length - 1] as number)) {
      to = Math.max(to, spans.pop() as number);
      start = Math.min(start, spans.pop() as number);
    }
    spans.push(start, to);
    this.stopped = this.firstOnly;
    return this.stopped;
  }
}

const scan = new Scan();

/**
 * Source spans [start, end) of every match (only the first with `firstOnly`), merged where they
 * touch or overlap; the array is reused by the next call. The text is read in place up to the next
 * backslash, `%` or `&`; from there a stretch is decoded until no escape can still form, and its
 * units are walked; and so on. Both kinds of stretch continue one automaton walk.
 */
export function matchSpans(
  automaton: Automaton,
  text: string,
  firstOnly: boolean,
): readonly number[] {
  scan.reset(firstOnly);
  let backslash = text.indexOf('\\');
  let percent = text.indexOf('%');
  let amp = text.indexOf('&');
  if (backslash === -1 && percent === -1 && amp === -1) {
    scan.segment(0);
    automaton.walkText(scan, text, 0, text.length);
    return scan.spans;
  }
  // Each stretch but the last holds more than SETTLE_AFTER units; one sentinel follows each.
  units.reserve(text.length + Math.ceil(text.length / SETTLE_AFTER) + 2);
  let i = 0;
  let free = 0; // first unused slot in `units`
  try {
    while (i < text.length && !scan.stopped) {
      if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
      if (percent !== -1 && percent < i) percent = text.indexOf('%', i);
      if (amp !== -1 && amp < i) amp = text.indexOf('&', i);
      const until = Math.min(
        backslash === -1 ? text.length : backslash,
        percent === -1 ? text.length : percent,
        amp === -1 ? text.length : amp,
      );
      if (until > i) {
        scan.segment(i);
        automaton.walkText(scan, text, i, until);
        i = until;
        continue;
      }
      units.base = free;
      const [after, top] = decodeStretch(text, i, units, free, true);
      units.start[top] = after; // the stretch's end, for its last unit
      scan.segment(-1 - free);
      automaton.walkUnits(scan, units.code, units.start, free, top);
      free = top + 1;
      i = after;
    }
  } finally {
    units.shrink();
  }
  return scan.spans;
}
