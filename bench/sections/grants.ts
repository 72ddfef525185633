/**
 * Per-provider access (docs/remote.md, "Per-provider access"): the same server with one static
 * token, and with a tokens file whose four holders hold four different grant sets, calls rotating
 * among them. Each grant set's server is built once and reused, so a call should cost the same
 * either way: latency p50 and server CPU per call, side by side.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProviders, type Bench, serverEnv } from '../lib/context.js';
import { HttpPeer } from '../lib/http-peer.js';
import { runConcurrent, sampleLatency } from '../lib/load.js';
import { ratioRow } from '../lib/report.js';
import { median, percentile } from '../lib/stats.js';
import { resultText } from '../lib/stdio-peer.js';

const LATENCY = { warmup: 100, rounds: 6, perRound: 100 };
const THROUGHPUT = { rounds: 3, calls: 1000, inFlight: 32 };
/** Every holder may call maple_get_customer; each holds another set of providers. */
const HOLDERS = ['maple', 'maple,quentli', 'maple,flexprice', 'quentli,flexprice,maple'];

export async function measureGrants(b: Bench): Promise<void> {
  const single = 'bench-single-token-0123456789abcdef';
  const tokens = HOLDERS.map((_, i) => `bench-holder-${i}-token-0123456789abcdef`);
  const file = join(mkdtempSync(join(tmpdir(), 'bench-grants-')), 'tokens.txt');
  const digest = (token: string) => createHash('sha256').update(token).digest('hex');
  writeFileSync(
    file,
    HOLDERS.map((grant, i) => `holder-${i} sha256:${digest(tokens[i] as string)} ${grant}\n`).join(
      '',
    ),
  );
  const env = serverEnv(allProviders(b));
  const args = [b.paths.serverEntry, '--http', '--port', '0'];
  const [plain, granted] = await Promise.all([
    HttpPeer.spawn('one token', process.execPath, args, { ...env, BILLING_MCP_HTTP_TOKEN: single }),
    HttpPeer.spawn('tokens file', process.execPath, args, {
      ...env,
      BILLING_MCP_HTTP_TOKENS_FILE: file,
    }),
  ]);
  try {
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    // Ids of its own (the tokens section's samples exist only in a full run, not --only grants).
    const page = JSON.parse(
      resultText(
        await plain.callTool('maple_list_customers', { take: 20 }, bearer(single)),
        'maple_list_customers',
      ),
    ) as { items: { id: string }[] };
    const ids = page.items.map((item) => item.id);
    const id = (i: number) => ids[i % ids.length] as string;
    const calls = {
      plain: async (i: number) => {
        const result = await plain.callTool('maple_get_customer', { id: id(i) }, bearer(single));
        resultText(result, 'one token');
      },
      granted: async (i: number) => {
        const token = tokens[i % tokens.length] as string;
        const result = await granted.callTool('maple_get_customer', { id: id(i) }, bearer(token));
        resultText(result, 'tokens file');
      },
    };
    const measured = await sampleLatency(
      [
        { label: 'plain', call: calls.plain },
        { label: 'granted', call: calls.granted },
      ],
      LATENCY,
    );
    const p50 = (label: string) => percentile(measured.get(label) ?? [], 50);
    const cpu = { plain: [] as number[], granted: [] as number[] };
    for (let round = 0; round < THROUGHPUT.rounds; round++) {
      for (const [label, peer] of [
        ['plain', plain],
        ['granted', granted],
      ] as const) {
        const before = peer.cpuMs();
        await runConcurrent(calls[label], THROUGHPUT.calls, THROUGHPUT.inFlight);
        cpu[label].push((peer.cpuMs() - before) / THROUGHPUT.calls);
      }
    }
    b.facts.grants = {
      p50: { plain: p50('plain'), granted: p50('granted') },
      cpuMsPerCall: { plain: median(cpu.plain), granted: median(cpu.granted) },
    };
    const section = 'per-provider access';
    const baseline = 'one BILLING_MCP_HTTP_TOKEN';
    b.rows.push(
      ratioRow(
        {
          section,
          metric: 'maple_get_customer p50, 4 holders of 4 grant sets',
          value: p50('granted'),
          unit: 'ms',
        },
        { label: baseline, value: p50('plain') },
        { max: 1.2 },
      ),
      ratioRow(
        {
          section,
          metric: 'HTTP server CPU per call, 4 grant sets',
          value: median(cpu.granted),
          unit: 'ms',
        },
        { label: baseline, value: median(cpu.plain) },
        { max: 1.2 },
      ),
    );
  } finally {
    await Promise.all([plain.kill(), granted.kill()]);
  }
}
