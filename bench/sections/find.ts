/**
 * Rows: page sizes under the leaner summary (CONTRACT §4), and find_customers against
 * the three list calls it replaces — wall time with the emulators slowed to 50 / 100 / 150 ms
 * (the call must take the slowest provider's time, not the sum) and result tokens.
 */
import { performance } from 'node:perf_hooks';
import { countTokens } from 'gpt-tokenizer';
import {
  allProviders,
  type Bench,
  PROVIDER_IDS,
  type Provider,
  serverEnv,
  spawnServer,
} from '../lib/context.js';
import { absoluteRow, type Row, ratioRow } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { resultText, type StdioPeer } from '../lib/stdio-peer.js';

/** Added before every answer of each emulator while find_customers is timed. */
export const FIND_LATENCY_MS: Record<Provider, number> = {
  quentli: 50,
  flexprice: 100,
  maple: 150,
};
const FIND = { warmup: 3, rounds: 15 };
/** The question asked in every call: a name fragment every provider has many matches for. */
const FILTER = { name: 'a' };
/** 100-row pages under the old summary (updated_at in the summary, provider on every item). */
export const BEFORE_ISSUE_11: Record<Provider, number> = {
  quentli: 11_989,
  flexprice: 11_894,
  maple: 12_741,
};

export async function measureFind(b: Bench): Promise<void> {
  const server = spawnServer(b, 'server (find)', serverEnv(allProviders(b)));
  try {
    await server.initialize();
    for (const provider of PROVIDER_IDS) await measureDefaultPage(b, server, provider);
    await measureFindTokens(b, server);
    for (const provider of PROVIDER_IDS)
      await b.host.setLatency(provider, FIND_LATENCY_MS[provider]);
    await measureFindWallTime(b, server);
  } finally {
    for (const provider of PROVIDER_IDS) await b.host.setLatency(provider, 0);
    await server.kill();
  }
}

/** A row with an absolute target that also shows the figure it improves on. */
export function beforeAfterRow(
  base: Omit<Row, 'met' | 'target'>,
  before: { label: string; value: number },
  check: { max: number },
): Row {
  const row = absoluteRow(base, check);
  return { ...row, baseline: before, ratio: (base.value ?? Number.NaN) / before.value };
}

async function measureDefaultPage(b: Bench, server: StdioPeer, provider: Provider): Promise<void> {
  const tool = `${provider}_list_customers`;
  const text = resultText(await server.callTool(tool, {}), tool);
  const returned = (JSON.parse(text) as { returned: number }).returned;
  b.rows.push(
    absoluteRow(
      {
        section: 'find',
        metric: `${provider} default page (20 rows, summary)`,
        value: countTokens(text),
        unit: 'tok',
        note: returned === 20 ? undefined : `only ${returned} rows`,
      },
      { max: 2000 },
    ),
  );
}

async function measureFindTokens(b: Bench, server: StdioPeer): Promise<void> {
  let separate = 0;
  for (const provider of PROVIDER_IDS) {
    const tool = `${provider}_list_customers`;
    separate += countTokens(resultText(await server.callTool(tool, { ...FILTER, take: 5 }), tool));
  }
  const found = resultText(await server.callTool('find_customers', FILTER), 'find_customers');
  b.rows.push(
    ratioRow(
      {
        section: 'find',
        metric: 'find_customers result, 5 rows × 3 providers',
        value: countTokens(found),
        unit: 'tok',
      },
      { label: 'three list calls, take 5', value: separate },
    ),
  );
}

async function timed(server: StdioPeer, tool: string, args: Record<string, unknown>) {
  const started = performance.now();
  resultText(await server.callTool(tool, args), tool);
  return performance.now() - started;
}

async function measureFindWallTime(b: Bench, server: StdioPeer): Promise<void> {
  const lists: Record<Provider, number[]> = { quentli: [], flexprice: [], maple: [] };
  const finds: number[] = [];
  for (let round = 0; round < FIND.warmup + FIND.rounds; round++) {
    const keep = round >= FIND.warmup;
    // Rotate which call goes first, so drift on a noisy machine spreads over all of them.
    const order = [...PROVIDER_IDS, 'find' as const];
    const rotated = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
    for (const which of rotated) {
      if (which === 'find') {
        const ms = await timed(server, 'find_customers', FILTER);
        if (keep) finds.push(ms);
      } else {
        const ms = await timed(server, `${which}_list_customers`, { ...FILTER, take: 5 });
        if (keep) lists[which].push(ms);
      }
    }
  }
  const perList = PROVIDER_IDS.map((p) => median(lists[p]));
  const slowest = Math.max(...perList);
  const sum = perList.reduce((a, c) => a + c, 0);
  const latencies = PROVIDER_IDS.map((p) => FIND_LATENCY_MS[p]).join('/');
  b.facts.findWallTimeMs = {
    latencies: FIND_LATENCY_MS,
    rounds: FIND.rounds,
    find: median(finds),
    lists: Object.fromEntries(PROVIDER_IDS.map((p, i) => [p, perList[i]])),
  };
  b.rows.push(
    ratioRow(
      {
        section: 'find',
        metric: `find_customers wall time, emulators at ${latencies} ms (median)`,
        value: median(finds),
        unit: 'ms',
      },
      { label: 'slowest single list call', value: slowest },
      { max: 1.2 },
    ),
    ratioRow(
      {
        section: 'find',
        metric: 'find_customers wall time vs the three list calls in turn',
        value: median(finds),
        unit: 'ms',
      },
      { label: 'sum of the three list calls', value: sum },
    ),
  );
}
