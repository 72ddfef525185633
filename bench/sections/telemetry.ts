/**
 * OpenTelemetry off and on: cold start (spawn → `initialize`) and the serving
 * process's CPU per stdio call, the bin with no OTEL_* against the same bin exporting to an OTLP
 * sink in this process (127.0.0.1, answers 200 to every export, as a collector does). Off must
 * keep the targets the other sections check (cold start ≤ 3× `node -e 0`); on is informational.
 * Runs of the two kinds are interleaved so a noisy moment hits both alike.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { allProviders, type Bench, serverEnv, spawnServer } from '../lib/context.js';
import { runConcurrent } from '../lib/load.js';
import { absoluteRow, ratioRow } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { resultText, type StdioPeer } from '../lib/stdio-peer.js';

const COLD = { warmup: 2, runs: 15 };
const CPU = { warmup: 500, rounds: 3, calls: 3000, inFlight: 64 };
type Mode = 'off' | 'on';
const MODES: readonly Mode[] = ['off', 'on'];

export async function measureTelemetry(b: Bench): Promise<void> {
  const sink = await startSink();
  try {
    const envs: Record<Mode, NodeJS.ProcessEnv> = {
      off: withoutOtel(serverEnv(allProviders(b))),
      on: { ...withoutOtel(serverEnv(allProviders(b))), OTEL_EXPORTER_OTLP_ENDPOINT: sink.url },
    };
    await coldStart(b, envs);
    await cpuPerCall(b, envs);
    b.facts.telemetrySinkExports = sink.exports();
  } finally {
    await sink.close();
  }
}

async function coldStart(b: Bench, envs: Record<Mode, NodeJS.ProcessEnv>): Promise<void> {
  const samples: Record<Mode | 'node -e 0', number[]> = { off: [], on: [], 'node -e 0': [] };
  const kinds = ['node -e 0', ...MODES] as const;
  for (let run = 0; run < COLD.warmup + COLD.runs; run++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(run + k) % kinds.length] as (typeof kinds)[number];
      const ms = kind === 'node -e 0' ? await nodeNoop() : await coldOnce(b, kind, envs[kind]);
      if (run >= COLD.warmup) samples[kind].push(ms);
    }
  }
  b.facts.telemetryColdStartMs = samples;
  const section = 'telemetry';
  const metric = (mode: Mode) => `spawn → initialize, OTel ${mode}, median of ${COLD.runs}`;
  const off = median(samples.off);
  b.rows.push(
    ratioRow(
      { section, metric: metric('off'), value: off, unit: 'ms' },
      { label: 'node -e 0', value: median(samples['node -e 0']) },
      { max: 3 },
    ),
    ratioRow(
      { section, metric: metric('on'), value: median(samples.on), unit: 'ms' },
      { label: 'OTel off', value: off },
    ),
  );
}

async function cpuPerCall(b: Bench, envs: Record<Mode, NodeJS.ProcessEnv>): Promise<void> {
  const peers: Record<Mode, StdioPeer> = {
    off: spawnServer(b, 'server (OTel off)', envs.off),
    on: spawnServer(b, 'server (OTel on)', envs.on),
  };
  try {
    await Promise.all(MODES.map((mode) => peers[mode].initialize()));
    const ids = await customerIds(peers.off);
    const call = (peer: StdioPeer) => async (i: number) => {
      const id = ids[i % ids.length] as string;
      resultText(await peer.callTool('quentli_get_customer', { id }), 'quentli_get_customer');
    };
    for (const mode of MODES) await runConcurrent(call(peers[mode]), CPU.warmup, CPU.inFlight);
    const cpu: Record<Mode, number[]> = { off: [], on: [] };
    for (let round = 0; round < CPU.rounds; round++) {
      for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
        const before = peers[mode].cpuMs();
        await runConcurrent(call(peers[mode]), CPU.calls, CPU.inFlight);
        cpu[mode].push((peers[mode].cpuMs() - before) / CPU.calls);
      }
    }
    b.facts.telemetryCpuMsPerCall = cpu;
    const section = 'telemetry';
    const metric = (mode: Mode) =>
      `quentli_get_customer CPU per stdio call, ${CPU.inFlight} in flight, OTel ${mode}`;
    const off = median(cpu.off);
    b.rows.push(
      absoluteRow({ section, metric: metric('off'), value: off, unit: 'ms' }),
      ratioRow(
        { section, metric: metric('on'), value: median(cpu.on), unit: 'ms' },
        { label: 'OTel off', value: off },
      ),
    );
  } finally {
    await Promise.all(MODES.map((mode) => peers[mode].kill()));
  }
}

async function customerIds(peer: StdioPeer): Promise<string[]> {
  const result = await peer.callTool('quentli_list_customers', { take: 20 });
  const page = JSON.parse(resultText(result, 'quentli_list_customers')) as {
    items: { id: string }[];
  };
  if (page.items.length === 0) throw new Error('no quentli customers to look up');
  return page.items.map((item) => item.id);
}

async function coldOnce(b: Bench, mode: Mode, env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  const peer = spawnServer(b, `server (cold, OTel ${mode})`, env);
  try {
    await peer.initialize();
    return performance.now() - start;
  } finally {
    await peer.kill();
  }
}

async function nodeNoop(): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return performance.now() - start;
}

/** The bench's own OTEL_* must not leak into either contender. */
function withoutOtel(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('OTEL_')));
}

/** An OTLP/HTTP endpoint that takes every export and says 200, counting them by path. */
async function startSink() {
  const counts: Record<string, number> = {};
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      counts[req.url ?? ''] = (counts[req.url ?? ''] ?? 0) + 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exports: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
