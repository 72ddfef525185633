/**
 * Redaction cost: milliseconds per MB of text for `Secrets.redact`, against 1, 16 and
 * 256 registered keys of 32, 256 and the longest header key (512) characters, made of letters or
 * of punctuation (quotes, backslashes, `%` and `&` included: what made the old backtracking regex
 * slow). The text is 1 MB of tool-result JSON — escapes, percent signs and ampersands in it, so the
 * decoding path runs — plus, for the worst case, 1 MB of near misses of the key (the key's first
 * characters over and over). The fastest of 9 runs after 2 warm-ups, in this process: the work
 * is pure CPU, and on a shared machine the fastest run is the one other processes disturbed
 * least (the median goes in the note and the JSON). Target ≤ 10 ms/MB per cell.
 * `npm run bench -- --section redaction` runs this section alone.
 */
import { performance } from 'node:perf_hooks';
import { Secrets } from '../../src/redact.js';
import { seededRandom } from '../../src/sandbox/emulator.js';
import { HEADER_BOUNDS } from '../../src/transport/http/tenants.js';
import type { Bench } from '../lib/context.js';
import { absoluteRow } from '../lib/report.js';
import { median } from '../lib/stats.js';

const RUNS = 9;
const WARMUPS = 2;
const MB = 1 << 20;
const COUNTS = [1, 16, 256] as const;
const LENGTHS = [32, 256, HEADER_BOUNDS.key.max] as const;
const ALPHABETS = {
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  punctuation: '~!*()\'-._$&+,;=:@/?#[]%\\"{}|^`<>',
} as const;
const TARGET_MS_PER_MB = 10;

function key(alphabet: string, length: number, random: () => number): string {
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

/** ~1 MB of what a tool result's text looks like, escapes and all. */
function jsonText(): string {
  const rows = Array.from({ length: 5000 }, (_, i) => ({
    id: `cus_${i.toString(36).padStart(8, '0')}`,
    name: `Amara "Mara" García-${i}`,
    email: `amara.${i}@example.com`,
    note: 'Paid 50% upfront & the rest\non delivery \\ net 30',
    url: `https://billing.example/c?id=${i}&tab=invoices%20due`,
  }));
  return JSON.stringify({ items: rows }).slice(0, MB);
}

function msPerMb(secrets: Secrets, text: string): { fastest: number; median: number } {
  const samples: number[] = [];
  for (let run = 0; run < WARMUPS + RUNS; run++) {
    const started = performance.now();
    secrets.redact(text);
    if (run >= WARMUPS) samples.push(((performance.now() - started) * MB) / text.length);
  }
  return { fastest: Math.min(...samples), median: median(samples) };
}

export async function measureRedaction(b: Bench): Promise<void> {
  const json = jsonText();
  const random = seededRandom(16);
  const cells: Record<string, { fastest: number; median: number }> = {};
  for (const [kind, alphabet] of Object.entries(ALPHABETS)) {
    for (const length of LENGTHS) {
      for (const count of COUNTS) {
        const secrets = new Secrets();
        const keys = Array.from({ length: count }, () => key(alphabet, length, random));
        for (const k of keys) secrets.add(k);
        const built = performance.now();
        secrets.holds('warm'); // builds the automaton
        const buildMs = performance.now() - built;
        const first = keys[0] as string;
        const nearMiss = `${first.slice(0, -1)} `.repeat(Math.ceil(MB / first.length)).slice(0, MB);
        const onJson = msPerMb(secrets, json);
        const onNearMisses = msPerMb(secrets, nearMiss);
        const value = Math.max(onJson.fastest, onNearMisses.fastest);
        const medianValue = Math.max(onJson.median, onNearMisses.median);
        const label = `${count} × ${length} ${kind}`;
        cells[label] = { fastest: value, median: medianValue };
        b.rows.push(
          absoluteRow(
            {
              section: 'redaction',
              metric: `${label} keys: ms per MB (fastest of ${RUNS}; worse of JSON, near misses)`,
              value,
              unit: 'ms',
              note: `median ${medianValue.toFixed(1)} ms/MB; automaton built in ${buildMs.toFixed(0)} ms`,
            },
            { max: TARGET_MS_PER_MB },
          ),
        );
        // Let timers and I/O run between cells.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  b.facts.redactionMsPerMb = cells;
}
