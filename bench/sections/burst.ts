/**
 * Burst: 1,000 concurrent flexprice_get_customer calls over one stdio
 * connection against an upstream answering every request in 200 ms, with
 * BILLING_MCP_MAX_CONNECTIONS 16, 64 and 256. Target: wall ≤ 1.25 × ⌈1000 / limit⌉ × 0.2 s, and
 * never more open connections (nor requests in flight) than the limit. Then the floor: the same
 * burst at the largest limit against an upstream that answers at once.
 *
 * First call: after a fresh spawn, initialize and tools/list, the first tool
 * call against the second, median of a few spawns. The upstream answers at once here.
 *
 * The upstream is a small HTTP server in this process: it has to count sockets, and a 200 ms
 * timer per request costs it nothing the measurement would notice.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type Bench, serverEnv, spawnServer } from '../lib/context.js';
import { runConcurrent } from '../lib/load.js';
import { absoluteRow } from '../lib/report.js';
import { median, round } from '../lib/stats.js';
import { resultText } from '../lib/stdio-peer.js';

export const BURST = { calls: 1000, upstreamMs: 200, limits: [16, 64, 256] as const };
const FIRST_CALL_RUNS = 5;
const API_KEY = 'sk_bench_burst_key';

interface SlowUpstream {
  baseUrl: string;
  /** Peak open sockets and peak requests being answered, since the last reset. */
  peak: { connections: number; inFlight: number };
  reset(): void;
  close(): Promise<void>;
}

async function startSlowUpstream(delayMs: number): Promise<SlowUpstream> {
  let connections = 0;
  let inFlight = 0;
  const peak = { connections: 0, inFlight: 0 };
  const server: Server = createServer((req, res) => {
    inFlight++;
    peak.inFlight = Math.max(peak.inFlight, inFlight);
    const id = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, name: `Customer ${id}`, status: 'published' }));
    }, delayMs);
  });
  server.on('connection', (socket) => {
    connections++;
    peak.connections = Math.max(peak.connections, connections);
    socket.on('close', () => connections--);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    peak,
    reset: () => {
      peak.connections = connections;
      peak.inFlight = inFlight;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function burstEnv(baseUrl: string, limit?: number): NodeJS.ProcessEnv {
  return {
    ...serverEnv({}),
    FLEXPRICE_API_KEY: API_KEY,
    FLEXPRICE_BASE_URL: baseUrl,
    BILLING_MCP_TIMEOUT_MS: '60000',
    ...(limit === undefined ? {} : { BILLING_MCP_MAX_CONNECTIONS: String(limit) }),
  };
}

export async function measureBurst(b: Bench): Promise<void> {
  const section = 'burst';
  const wallMetric = (upstreamMs: number, limit: number) =>
    `${BURST.calls} concurrent calls, ${upstreamMs} ms upstream, limit ${limit}: wall`;
  const slow = await startSlowUpstream(BURST.upstreamMs);
  try {
    for (const limit of BURST.limits) {
      const { wallS, peak } = await burstOnce(b, slow, limit);
      const bound = 1.25 * Math.ceil(BURST.calls / limit) * (BURST.upstreamMs / 1000);
      b.facts[`burst${limit}`] = { wallS, bound, peak };
      b.rows.push(
        absoluteRow(
          {
            section,
            metric: wallMetric(BURST.upstreamMs, limit),
            value: round(wallS, 2),
            unit: 's',
          },
          { max: round(bound, 2) },
        ),
        absoluteRow(
          {
            section,
            metric: `limit ${limit}: peak open connections`,
            value: peak.connections,
            unit: '',
            note: `peak requests in flight upstream: ${peak.inFlight}`,
          },
          { max: limit },
        ),
      );
    }
  } finally {
    await slow.close();
  }
  // An upstream that answers at once serves the floor and the first-call probe.
  const instant = await startSlowUpstream(0);
  try {
    // The floor under those figures: the same burst against it is what the calls cost this
    // machine's cores (the server, this client and the upstream share them).
    const limit = Math.max(...BURST.limits);
    const { wallS } = await burstOnce(b, instant, limit);
    b.rows.push(
      absoluteRow({
        section,
        metric: wallMetric(0, limit),
        value: round(wallS, 2),
        unit: 's',
        note: 'the floor: what the calls cost these cores',
      }),
    );
    await measureFirstCall(b, instant);
  } finally {
    await instant.close();
  }
}

/** One burst of BURST.calls at `limit`: its wall time and the upstream's peaks. */
async function burstOnce(
  b: Bench,
  upstream: SlowUpstream,
  limit: number,
): Promise<{ wallS: number; peak: SlowUpstream['peak'] }> {
  const server = spawnServer(b, `server (limit ${limit})`, burstEnv(upstream.baseUrl, limit));
  try {
    await server.initialize();
    const call = async (i: number) => {
      const id = `cust_burst${i}`;
      resultText(await server.callTool('flexprice_get_customer', { id }), 'burst get');
    };
    await call(-1);
    upstream.reset();
    const started = performance.now();
    await runConcurrent(call, BURST.calls, BURST.calls);
    return { wallS: (performance.now() - started) / 1000, peak: { ...upstream.peak } };
  } finally {
    await server.kill();
  }
}

/**
 * First and second tool call after spawn → initialize → tools/list, median over fresh spawns:
 * with the first call sent at once, and after a 300 ms pause (a person reading the tool list).
 */
async function measureFirstCall(b: Bench, fast: SlowUpstream): Promise<void> {
  const runs = {
    atOnce: { first: [] as number[], second: [] as number[] },
    paused: { first: [] as number[], second: [] as number[] },
  };
  for (let run = 0; run < 2 * FIRST_CALL_RUNS; run++) {
    const kind = run % 2 === 0 ? 'atOnce' : 'paused';
    const server = spawnServer(b, 'server (first call)', burstEnv(fast.baseUrl));
    try {
      await server.initialize();
      await server.request('tools/list');
      if (kind === 'paused') await new Promise((resolve) => setTimeout(resolve, 300));
      for (const samples of [runs[kind].first, runs[kind].second]) {
        const started = performance.now();
        resultText(
          await server.callTool('flexprice_get_customer', { id: `cust_first${run}` }),
          'first call',
        );
        samples.push(performance.now() - started);
      }
    } finally {
      await server.kill();
    }
  }
  b.facts.firstCallMs = runs;
  const section = 'first call';
  for (const [kind, label, check] of [
    ['atOnce', 'sent right after tools/list', undefined],
    ['paused', '300 ms after tools/list', { max: 10 }],
  ] as const) {
    const { first, second } = runs[kind];
    b.rows.push(
      absoluteRow({
        section,
        metric: `first tool call ${label}, median of ${FIRST_CALL_RUNS} spawns`,
        value: round(median(first), 1),
        unit: 'ms',
      }),
      absoluteRow(
        {
          section,
          metric: `${label}: first call minus second call`,
          value: round(median(first) - median(second), 1),
          unit: 'ms',
          note: `second call median ${round(median(second), 1)} ms`,
        },
        check,
      ),
    );
  }
}
