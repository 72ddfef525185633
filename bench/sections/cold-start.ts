/**
 * Cold start, with a minimal environment (PATH and HOME, plus the provider settings: an inherited
 * NODE_EXTRA_CA_CERTS alone adds 25–35 ms to every Node start): spawn → first answer (initialize
 * in 2025-11-25, server/discover in 2026-07-28), then at once a first and a second
 * `flexprice_get_customer`: spawn → first tool result, and the first call against the second.
 * Ours in both eras, the v1 build (2025-11-25 only), the SDK reference server and `node -e 0`.
 * Runs of every kind are interleaved so that a noisy moment hits all of them alike; each process
 * is killed before the next one starts.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { allProviders, type Bench, serverEnv } from '../lib/context.js';
import type { Era } from '../lib/era.js';
import { absoluteRow, ratioRow } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { resultText, StdioPeer } from '../lib/stdio-peer.js';
import type { Build } from '../lib/v1-build.js';

export const COLD_RUNS = 15;
const WARMUP_RUNS = 2;

type Kind = 'node -e 0' | 'reference' | 'ours 2025-11-25' | 'ours 2026-07-28' | 'v1 2025-11-25';
const KINDS: readonly Kind[] = [
  'node -e 0',
  'reference',
  'ours 2025-11-25',
  'ours 2026-07-28',
  'v1 2025-11-25',
];

interface Sample {
  /** Spawn → the first answer. */
  first: number;
  /** Spawn → the first tool result (not measured for the reference). */
  tool?: number;
  /** The first and the second tool call alone. */
  firstCall?: number;
  secondCall?: number;
}

/** PATH and HOME only, plus what the server needs to reach the emulators. */
function minimalEnv(b: Bench): NodeJS.ProcessEnv {
  const providers = serverEnv(allProviders(b));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [key, value] of Object.entries(providers)) {
    if (/^(QUENTLI|FLEXPRICE|MAPLE)_/.test(key)) env[key] = value;
  }
  return env;
}

export async function measureColdStart(b: Bench, v1: Build): Promise<void> {
  const env = minimalEnv(b);
  const id = b.samples.flexprice[0]?.id;
  if (id === undefined) throw new Error('no flexprice customer discovered');
  const samples = Object.fromEntries(KINDS.map((k) => [k, [] as Sample[]])) as Record<
    Kind,
    Sample[]
  >;
  for (let run = 0; run < WARMUP_RUNS + COLD_RUNS; run++) {
    for (let k = 0; k < KINDS.length; k++) {
      const kind = KINDS[(run + k) % KINDS.length] as Kind;
      const sample = await coldOnce(b, v1, kind, env, id);
      if (run >= WARMUP_RUNS) samples[kind].push(sample);
    }
  }
  b.facts.coldStart = samples;
  report(b, samples);
}

function report(b: Bench, samples: Record<Kind, Sample[]>): void {
  const of = (kind: Kind, field: keyof Sample) =>
    median(samples[kind].map((s) => s[field]).filter((x): x is number => x !== undefined));
  const node = { label: 'node -e 0', value: of('node -e 0', 'first') };
  const v1 = (field: keyof Sample) => ({
    label: 'v1 2025-11-25',
    value: of('v1 2025-11-25', field),
  });
  const section = 'cold start';
  const ms = (metric: string, value: number) => ({ section, metric, value, unit: 'ms' });
  for (const era of ['2025-11-25', '2026-07-28'] as const) {
    const kind: Kind = `ours ${era}`;
    const answer = era === '2025-11-25' ? 'initialize' : 'server/discover';
    b.rows.push(
      ratioRow(ms(`spawn → ${answer}, ${era}`, of(kind, 'first')), node, { max: 3 }),
      ratioRow(ms(`spawn → ${answer}, ${era}`, of(kind, 'first')), v1('first')),
      ratioRow(ms(`spawn → first tool result, ${era}`, of(kind, 'tool')), v1('tool')),
      ratioRow(ms(`first tool call, ${era} (second: baseline)`, of(kind, 'firstCall')), {
        label: 'second call',
        value: of(kind, 'secondCall'),
      }),
      absoluteRow(
        ms(`first tool call − second, ${era}`, of(kind, 'firstCall') - of(kind, 'secondCall')),
        { max: 15 },
      ),
    );
  }
  b.rows.push(
    ratioRow(ms('v1 build: spawn → initialize', of('v1 2025-11-25', 'first')), node),
    ratioRow(ms('v1 build: first tool call − second', of('v1 2025-11-25', 'firstCall')), {
      label: 'second call',
      value: of('v1 2025-11-25', 'secondCall'),
    }),
    ratioRow(ms('reference: spawn → initialize', of('reference', 'first')), node),
  );
}

async function coldOnce(
  b: Bench,
  v1: Build,
  kind: Kind,
  env: NodeJS.ProcessEnv,
  id: string,
): Promise<Sample> {
  const start = performance.now();
  if (kind === 'node -e 0') {
    const child = spawn(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    return { first: performance.now() - start };
  }
  const [entry, era]: [string, Era] =
    kind === 'reference'
      ? [b.paths.referenceEntry, '2025-11-25']
      : kind === 'v1 2025-11-25'
        ? [v1.entry, '2025-11-25']
        : [b.paths.serverEntry, kind === 'ours 2026-07-28' ? '2026-07-28' : '2025-11-25'];
  const peer = StdioPeer.spawn(kind, process.execPath, [entry], env, era);
  try {
    await peer.initialize();
    const first = performance.now() - start;
    if (kind === 'reference') return { first };
    const call = async () => {
      const t = performance.now();
      resultText(await peer.callTool('flexprice_get_customer', { id }), `${kind} first call`);
      return performance.now() - t;
    };
    const firstCall = await call();
    const tool = performance.now() - start;
    return { first, tool, firstCall, secondCall: await call() };
  } finally {
    await peer.kill();
  }
}
