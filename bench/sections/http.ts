/**
 * Remote mode (CONTRACT §6): `get_customer` over Streamable HTTP beside the same server over stdio
 * (same run, same emulators) and beside the SDK's minimal stateless HTTP server doing a bare
 * pass-through (bench/reference-http-server.ts, the HTTP twin of the stdio reference). Then
 * throughput at 64 in flight with the CPU each call costs the serving process, and two instances
 * (two processes, calls alternating) against one.
 */
import {
  allProviders,
  type Bench,
  PROVIDER_IDS,
  type Provider,
  serverEnv,
  spawnServer,
} from '../lib/context.js';
import { HttpPeer } from '../lib/http-peer.js';
import { type Call, runConcurrent, sampleLatency } from '../lib/load.js';
import { type Row, ratioRow } from '../lib/report.js';
import { median, percentile } from '../lib/stats.js';
import { resultText, type StdioPeer, type ToolResult } from '../lib/stdio-peer.js';

export const HTTP_LATENCY = { warmup: 100, rounds: 6, perRound: 100 };
export const HTTP_THROUGHPUT = { warmup: 300, rounds: 3, calls: 1500, inFlight: 64 };

interface Peer {
  label: string;
  callTool(name: string, args: Record<string, unknown>): Promise<ToolResult>;
  cpuMs(): number;
}

export async function measureHttp(b: Bench): Promise<void> {
  const env = serverEnv(allProviders(b));
  const serverArgs = [b.paths.serverEntry, '--http', '--port', '0'];
  const [http, http2, reference] = await Promise.all([
    HttpPeer.spawn('http', process.execPath, serverArgs, env),
    HttpPeer.spawn('http (2nd instance)', process.execPath, serverArgs, env),
    HttpPeer.spawn('reference http', process.execPath, [b.paths.referenceHttpEntry], serverEnv({})),
  ]);
  const stdio: StdioPeer = spawnServer(b, 'stdio', env);
  try {
    await stdio.initialize();
    for (const provider of PROVIDER_IDS) {
      const calls = callsFor(b, provider, { http, reference, stdio });
      await latency(b, provider, calls);
      await throughput(b, provider, calls);
    }
    await scaleOut(b, http, http2);
  } finally {
    await Promise.all([http.kill(), http2.kill(), reference.kill(), stdio.kill()]);
  }
}

type Contenders = Record<'http' | 'reference' | 'stdio', { peer: Peer; call: Call }>;

function callsFor(
  b: Bench,
  provider: Provider,
  peers: { http: Peer; reference: Peer; stdio: Peer },
): Contenders {
  const samples = b.samples[provider];
  if (samples.length === 0) throw new Error(`no ${provider} customers discovered`);
  const pick = (i: number) => samples[i % samples.length] as (typeof samples)[number];
  const tool = `${provider}_get_customer`;
  const ours = (peer: Peer) => async (i: number) => {
    resultText(await peer.callTool(tool, { id: pick(i).id }), `${peer.label} ${tool}`);
  };
  return {
    http: { peer: peers.http, call: ours(peers.http) },
    stdio: { peer: peers.stdio, call: ours(peers.stdio) },
    reference: {
      peer: peers.reference,
      call: async (i) => {
        const { url, headers } = pick(i);
        resultText(await peers.reference.callTool('get', { url, headers }), 'reference http get');
      },
    },
  };
}

async function latency(b: Bench, provider: Provider, contenders: Contenders): Promise<void> {
  const labels = Object.keys(contenders) as (keyof Contenders)[];
  const measured = await sampleLatency(
    labels.map((label) => ({ label, call: contenders[label].call })),
    HTTP_LATENCY,
  );
  const samples = Object.fromEntries(measured) as Record<keyof Contenders, number[]>;
  const p = (label: keyof Contenders, q: number) => percentile(samples[label], q);
  b.facts[`${provider}HttpLatencyMs`] = Object.fromEntries(
    labels.map((l) => [l, { p50: p(l, 50), p99: p(l, 99), n: samples[l].length }]),
  );
  const metric = (q: number) => `${provider}_get_customer p${q} over HTTP`;
  b.rows.push(
    ...besideBoth(metric(50), 'ms', p('http', 50), p('reference', 50), p('stdio', 50), {
      max: 1.5,
    }),
    ...besideBoth(metric(99), 'ms', p('http', 99), p('reference', 99), p('stdio', 99)),
  );
}

/** Our figure beside the SDK's stateless HTTP reference (with the target, if any) and beside stdio. */
function besideBoth(
  metric: string,
  unit: string,
  ours: number,
  reference: number,
  stdio: number,
  check?: { max?: number; min?: number },
): Row[] {
  const base = { section: 'remote (HTTP)', metric, value: ours, unit };
  return [
    ratioRow(base, { label: 'SDK stateless HTTP reference', value: reference }, check),
    ratioRow(base, { label: 'same server over stdio', value: stdio }),
  ];
}

/** Calls/s and server CPU ms per call, median over rounds in alternating order. */
async function rate(
  contenders: { label: string; call: Call; cpu: () => number }[],
): Promise<Map<string, { perSecond: number; cpuMs: number }>> {
  const { warmup, rounds, calls, inFlight } = HTTP_THROUGHPUT;
  const rates = new Map(contenders.map((c) => [c.label, [] as number[]]));
  const cpu = new Map(contenders.map((c) => [c.label, [] as number[]]));
  for (const c of contenders) await runConcurrent(c.call, warmup, inFlight);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const before = c.cpu();
      rates.get(c.label)?.push(await runConcurrent(c.call, calls, inFlight));
      cpu.get(c.label)?.push((c.cpu() - before) / calls);
    }
  }
  return new Map(
    contenders.map((c) => [
      c.label,
      { perSecond: median(rates.get(c.label) ?? []), cpuMs: median(cpu.get(c.label) ?? []) },
    ]),
  );
}

async function throughput(b: Bench, provider: Provider, contenders: Contenders): Promise<void> {
  const results = await rate(
    (Object.keys(contenders) as (keyof Contenders)[]).map((label) => ({
      label,
      call: contenders[label].call,
      cpu: () => contenders[label].peer.cpuMs(),
    })),
  );
  const get = (label: keyof Contenders) =>
    results.get(label) as { perSecond: number; cpuMs: number };
  b.facts[`${provider}HttpThroughput`] = Object.fromEntries(results);
  const inFlight = HTTP_THROUGHPUT.inFlight;
  b.rows.push(
    ...besideBoth(
      `${provider} over HTTP, ${inFlight} in flight`,
      '/s',
      get('http').perSecond,
      get('reference').perSecond,
      get('stdio').perSecond,
    ),
    ...besideBoth(
      `${provider} HTTP server CPU per call`,
      'ms',
      get('http').cpuMs,
      get('reference').cpuMs,
      get('stdio').cpuMs,
    ),
  );
}

/** Maple get_customer at 64 in flight: one instance, then two with calls alternating between them. */
async function scaleOut(b: Bench, one: HttpPeer, two: HttpPeer): Promise<void> {
  const samples = b.samples.maple;
  const pick = (i: number) => samples[i % samples.length] as (typeof samples)[number];
  const call = (peer: HttpPeer) => async (i: number) => {
    resultText(await peer.callTool('maple_get_customer', { id: pick(i).id }), peer.label);
  };
  const results = await rate([
    { label: 'one', call: call(one), cpu: () => one.cpuMs() },
    {
      label: 'two',
      call: (i) => call(i % 2 === 0 ? one : two)(i),
      cpu: () => one.cpuMs() + two.cpuMs(),
    },
  ]);
  const get = (label: string) => results.get(label) as { perSecond: number; cpuMs: number };
  b.facts.httpScaleOut = Object.fromEntries(results);
  b.rows.push(
    ratioRow(
      {
        section: 'remote (HTTP)',
        metric: `two instances vs one, ${HTTP_THROUGHPUT.inFlight} in flight (maple)`,
        value: get('two').perSecond,
        unit: '/s',
      },
      { label: 'one instance', value: get('one').perSecond },
    ),
  );
}
