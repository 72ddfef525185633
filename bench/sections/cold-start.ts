/**
 * Section 1: spawn → `initialize` result. Runs of the three kinds are interleaved so that a noisy
 * moment hits all of them alike; each process is killed before the next one starts.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  allProviders,
  type Bench,
  serverEnv,
  spawnReference,
  spawnServer,
} from '../lib/context.js';
import { ratioRow } from '../lib/report.js';
import { median } from '../lib/stats.js';

export const COLD_RUNS = 15;
const WARMUP_RUNS = 2;

type Kind = 'node -e 0' | 'reference' | 'server';
const KINDS: readonly Kind[] = ['node -e 0', 'reference', 'server'];

export async function measureColdStart(b: Bench): Promise<void> {
  const env = serverEnv(allProviders(b));
  const samples: Record<Kind, number[]> = { 'node -e 0': [], reference: [], server: [] };
  for (let run = 0; run < WARMUP_RUNS + COLD_RUNS; run++) {
    for (let k = 0; k < KINDS.length; k++) {
      const kind = KINDS[(run + k) % KINDS.length] as Kind;
      const ms = await coldOnce(b, kind, env);
      if (run >= WARMUP_RUNS) samples[kind].push(ms);
    }
  }
  b.facts.coldStartMs = samples;
  const node = { label: 'node -e 0', value: median(samples['node -e 0']) };
  const reference = { label: 'reference', value: median(samples.reference) };
  const server = median(samples.server);
  const section = 'cold start';
  const metric = `spawn → initialize, median of ${COLD_RUNS}`;
  b.rows.push(
    ratioRow({ section, metric, value: server, unit: 'ms' }, node, { max: 3 }),
    ratioRow({ section, metric, value: server, unit: 'ms' }, reference),
    ratioRow(
      { section, metric: 'reference vs node -e 0', value: reference.value, unit: 'ms' },
      node,
    ),
  );
}

async function coldOnce(b: Bench, kind: Kind, env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  if (kind === 'node -e 0') {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    return performance.now() - start;
  }
  const peer = kind === 'server' ? spawnServer(b, 'server (cold)', env) : spawnReference(b);
  try {
    await peer.initialize();
    return performance.now() - start;
  } finally {
    await peer.kill();
  }
}
