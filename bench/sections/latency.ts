/**
 * Sections 2, 3 and 6 on one pair of long-lived processes: per-call latency (sequential), then
 * throughput (64 in flight over one stdio connection), then each child's peak RSS. Rounds rotate
 * the order of the contenders so drift on a noisy machine spreads evenly over all of them.
 */
import { Agent, request } from 'undici';
import {
  allProviders,
  type Bench,
  PROVIDER_IDS,
  type Provider,
  serverEnv,
  spawnReference,
  spawnServer,
} from '../lib/context.js';
import { type Call, runConcurrent, sampleLatency } from '../lib/load.js';
import { ratioRow } from '../lib/report.js';
import { median, percentile } from '../lib/stats.js';
import { resultText, type StdioPeer } from '../lib/stdio-peer.js';

export const LATENCY = { warmup: 100, rounds: 10, perRound: 100 };
export const THROUGHPUT = { warmup: 500, rounds: 3, calls: 3000, inFlight: 64 };

interface Contender {
  label: string;
  call: Call;
  /** The process serving the calls, for its CPU time (none for the in-process raw baseline). */
  peer?: StdioPeer;
}

export async function measureCalls(b: Bench): Promise<void> {
  const server = spawnServer(b, 'server', serverEnv(allProviders(b)));
  const reference = spawnReference(b);
  const raw = new Agent({ keepAliveTimeout: 30_000 });
  try {
    await Promise.all([server.initialize(), reference.initialize()]);
    for (const provider of PROVIDER_IDS) {
      const contenders = contendersFor(b, provider, server, reference, raw);
      await measureLatency(b, provider, contenders);
    }
    for (const provider of PROVIDER_IDS) {
      const [, ref, ours] = contendersFor(b, provider, server, reference, raw);
      await measureThroughput(b, provider, ref as Contender, ours as Contender);
    }
    measureMemory(b, server, reference);
  } finally {
    await Promise.all([server.kill(), reference.kill(), raw.close()]);
  }
}

function contendersFor(
  b: Bench,
  provider: Provider,
  server: StdioPeer,
  reference: StdioPeer,
  raw: Agent,
): [Contender, Contender, Contender] {
  const samples = b.samples[provider];
  if (samples.length === 0) throw new Error(`no ${provider} customers discovered`);
  const pick = (i: number) => samples[i % samples.length] as (typeof samples)[number];
  const tool = `${provider}_get_customer`;
  return [
    {
      label: 'raw undici',
      call: async (i) => {
        const { url, headers } = pick(i);
        const response = await request(url, { headers, dispatcher: raw });
        await response.body.text();
        if (response.statusCode >= 400) throw new Error(`raw ${url} → ${response.statusCode}`);
      },
    },
    {
      label: 'reference',
      peer: reference,
      call: async (i) => {
        const { url, headers } = pick(i);
        resultText(await reference.callTool('get', { url, headers }), 'reference get');
      },
    },
    {
      label: 'server',
      peer: server,
      call: async (i) => {
        resultText(await server.callTool(tool, { id: pick(i).id }), tool);
      },
    },
  ];
}

async function measureLatency(
  b: Bench,
  provider: Provider,
  contenders: Contender[],
): Promise<void> {
  const samples = await sampleLatency(contenders, LATENCY);
  const stat = (label: string, p: number) => percentile(samples.get(label) as number[], p);
  const section = 'latency';
  const metric = (p: number) => `${provider}_get_customer p${p}`;
  b.facts[`${provider}LatencyMs`] = Object.fromEntries(
    [...samples].map(([label, values]) => [
      label,
      { p50: stat(label, 50), p99: stat(label, 99), n: values.length },
    ]),
  );
  b.rows.push(
    // Info only: the 1.15× pass-through target was retired; CPU per call is the target.
    ratioRow(
      { section, metric: metric(50), value: stat('server', 50), unit: 'ms' },
      { label: 'reference', value: stat('reference', 50) },
    ),
    ratioRow(
      { section, metric: metric(50), value: stat('server', 50), unit: 'ms' },
      { label: 'raw undici', value: stat('raw undici', 50) },
    ),
    ratioRow(
      { section, metric: metric(99), value: stat('server', 99), unit: 'ms' },
      { label: 'reference', value: stat('reference', 99) },
    ),
    ratioRow(
      { section, metric: metric(99), value: stat('server', 99), unit: 'ms' },
      { label: 'raw undici', value: stat('raw undici', 99) },
    ),
  );
}

async function measureThroughput(
  b: Bench,
  provider: Provider,
  reference: Contender,
  server: Contender,
): Promise<void> {
  const { warmup, rounds, calls, inFlight } = THROUGHPUT;
  const rates: Record<'reference' | 'server', number[]> = { reference: [], server: [] };
  const cpu: Record<'reference' | 'server', number[]> = { reference: [], server: [] };
  await runConcurrent(reference.call, warmup, inFlight);
  await runConcurrent(server.call, warmup, inFlight);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [reference, server] : [server, reference];
    for (const contender of order) {
      const label = contender.label as 'reference' | 'server';
      const cpuBefore = contender.peer?.cpuMs() ?? Number.NaN;
      rates[label].push(await runConcurrent(contender.call, calls, inFlight));
      cpu[label].push(((contender.peer?.cpuMs() ?? Number.NaN) - cpuBefore) / calls);
    }
  }
  b.facts[`${provider}ThroughputPerSecond`] = rates;
  b.facts[`${provider}CpuMsPerCall`] = cpu;
  b.rows.push(
    ratioRow(
      {
        section: 'throughput',
        metric: `${provider}_get_customer, ${inFlight} in flight`,
        value: median(rates.server),
        unit: '/s',
      },
      // Info only: the ≥ 0.9× pass-through target was retired.
      { label: 'reference', value: median(rates.reference) },
    ),
    // Less sensitive to other load than a rate: what each call costs the serving process.
    ratioRow(
      {
        section: 'throughput',
        metric: `${provider} server CPU per call`,
        value: median(cpu.server),
        unit: 'ms',
      },
      { label: 'reference', value: median(cpu.reference) },
      { max: 2 },
    ),
  );
}

function measureMemory(b: Bench, server: StdioPeer, reference: StdioPeer): void {
  const serverKb = server.peakRssKb();
  const referenceKb = reference.peakRssKb();
  b.facts.rssNowKb = { server: server.rssKb(), reference: reference.rssKb() };
  b.rows.push(
    ratioRow(
      {
        section: 'memory',
        metric: 'peak RSS (VmHWM) after throughput',
        value: serverKb / 1024,
        unit: 'MiB',
      },
      { label: 'reference', value: referenceKb / 1024 },
      { max: 1.2 },
    ),
  );
  if (Number.isNaN(serverKb)) b.facts.memoryNote = '/proc/<pid>/status unreadable (not Linux?)';
}
