/**
 * Calls against the v1 build (the last commit before SDK v2, ./lib/v1-build.ts), side by side in
 * one run: `get_customer` (the three providers in turn) over stdio and over HTTP, our server in
 * each protocol era against v1 in the only era it speaks (2025-11-25). p50 of sequential calls
 * (rounds rotate the contenders), and the serving process's CPU per call at 64 in flight (rounds
 * alternate). Target ≤ 1.1× the v1 build for both, each transport, each era.
 */
import { allProviders, type Bench, PROVIDER_IDS, serverEnv } from '../lib/context.js';
import { ERAS, type Era } from '../lib/era.js';
import { HttpPeer } from '../lib/http-peer.js';
import { type Call, runConcurrent, sampleLatency } from '../lib/load.js';
import { ratioRow } from '../lib/report.js';
import { median, percentile } from '../lib/stats.js';
import { resultText, StdioPeer, type ToolResult } from '../lib/stdio-peer.js';
import type { Build } from '../lib/v1-build.js';

export const V1_LATENCY = { warmup: 150, rounds: 6, perRound: 100 };
export const V1_CPU = { warmup: 300, rounds: 3, calls: 1500, inFlight: 64 };
const TARGET = { max: 1.1 };

interface Peer {
  label: string;
  callTool(name: string, args: Record<string, unknown>): Promise<ToolResult>;
  cpuMs(): number;
  kill(): Promise<void>;
}

interface Contender {
  label: string;
  peer: Peer;
  call: Call;
}

export async function measureVersusV1(b: Bench, v1: Build): Promise<void> {
  const env = serverEnv(allProviders(b));
  const ours = b.paths.serverEntry;
  const stdio = (label: string, entry: string, era: Era) =>
    StdioPeer.spawn(label, process.execPath, [entry], env, era);
  const http = (label: string, entry: string, era: Era) =>
    HttpPeer.spawn(label, process.execPath, [entry, '--http', '--port', '0'], env, {}, era);
  const transports: [string, () => Promise<Peer[]>][] = [
    [
      'stdio',
      async () => {
        const peers = [
          ...ERAS.map((era) => stdio(`ours ${era}`, ours, era)),
          stdio('v1 2025-11-25', v1.entry, '2025-11-25'),
        ];
        await Promise.all(peers.map((peer) => peer.initialize()));
        return peers;
      },
    ],
    [
      'HTTP',
      () =>
        Promise.all([
          ...ERAS.map((era) => http(`ours ${era}`, ours, era)),
          http('v1 2025-11-25', v1.entry, '2025-11-25'),
        ]),
    ],
  ];
  for (const [transport, start] of transports) {
    const peers = await start();
    try {
      await compare(
        b,
        transport,
        peers.map((peer) => contender(b, peer)),
      );
    } finally {
      await Promise.all(peers.map((peer) => peer.kill()));
    }
  }
}

/** `get_customer` on the three providers in turn, over the customers the token section found. */
function contender(b: Bench, peer: Peer): Contender {
  return {
    label: peer.label,
    peer,
    call: async (i) => {
      const provider = PROVIDER_IDS[i % PROVIDER_IDS.length] as (typeof PROVIDER_IDS)[number];
      const samples = b.samples[provider];
      const sample = samples[Math.floor(i / PROVIDER_IDS.length) % samples.length];
      if (!sample) throw new Error(`no ${provider} customers discovered`);
      const tool = `${provider}_get_customer`;
      resultText(await peer.callTool(tool, { id: sample.id }), `${peer.label} ${tool}`);
    },
  };
}

async function compare(b: Bench, transport: string, contenders: Contender[]): Promise<void> {
  const latency = await sampleLatency(contenders, V1_LATENCY);
  const cpu = await cpuPerCall(contenders);
  const p50 = (label: string) => percentile(latency.get(label) ?? [], 50);
  b.facts[`versusV1${transport}`] = Object.fromEntries(
    contenders.map((c) => [c.label, { p50: p50(c.label), cpuMsPerCall: cpu.get(c.label) }]),
  );
  const v1 = contenders.find((c) => c.label.startsWith('v1')) as Contender;
  const section = 'vs v1 build';
  for (const ours of contenders.filter((c) => c !== v1)) {
    const era = ours.label.replace('ours ', '');
    b.rows.push(
      ratioRow(
        {
          section,
          metric: `${transport} get_customer p50, ${era}`,
          value: p50(ours.label),
          unit: 'ms',
        },
        { label: 'v1 2025-11-25', value: p50(v1.label) },
        TARGET,
      ),
      ratioRow(
        {
          section,
          metric: `${transport} server CPU per call (${V1_CPU.inFlight} in flight), ${era}`,
          value: cpu.get(ours.label) ?? Number.NaN,
          unit: 'ms',
        },
        { label: 'v1 2025-11-25', value: cpu.get(v1.label) ?? Number.NaN },
        TARGET,
      ),
    );
  }
}

/** Median over rounds of the serving process's CPU ms per call; rounds alternate the order. */
async function cpuPerCall(contenders: Contender[]): Promise<Map<string, number>> {
  const { warmup, rounds, calls, inFlight } = V1_CPU;
  const samples = new Map(contenders.map((c) => [c.label, [] as number[]]));
  for (const c of contenders) await runConcurrent(c.call, warmup, inFlight);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const before = c.peer.cpuMs();
      await runConcurrent(c.call, calls, inFlight);
      samples.get(c.label)?.push((c.peer.cpuMs() - before) / calls);
    }
  }
  return new Map([...samples].map(([label, values]) => [label, median(values)]));
}
