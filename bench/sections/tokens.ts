/**
 * Sections 5 (tokens) and the discovery every later section needs: which customers to fetch and the
 * exact upstream request our server makes for each (the baselines replay it byte for byte).
 */
import { countTokens } from 'gpt-tokenizer';
import { request } from 'undici';
import {
  allProviders,
  type Bench,
  PROVIDER_IDS,
  type Provider,
  type Sample,
  serverEnv,
  spawnServer,
} from '../lib/context.js';
import { absoluteRow, ratioRow } from '../lib/report.js';
import { resultText, type StdioPeer } from '../lib/stdio-peer.js';
import { BEFORE_ISSUE_11, beforeAfterRow } from './find.js';

/** Customers per provider for the size comparison and the latency rotation. */
export const SAMPLE_SIZE = 20;
/** Hop-by-hop or per-connection headers that a replay must not copy. */
const SKIP_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
]);

export async function discoverAndMeasureTokens(b: Bench): Promise<void> {
  const settings = allProviders(b);
  const server = spawnServer(b, 'server (tokens)', serverEnv(settings));
  try {
    await server.initialize();
    await measureToolsList(b, server);
    for (const provider of PROVIDER_IDS) {
      const ids = await measurePages(b, server, provider);
      b.samples[provider] = await captureRequests(b, server, provider, ids.slice(0, SAMPLE_SIZE));
      await measureCustomers(b, server, provider);
    }
  } finally {
    await server.kill();
  }
}

function tokens(text: string): number {
  return countTokens(text);
}

async function measureToolsList(b: Bench, server: StdioPeer): Promise<void> {
  const result = (await server.request('tools/list')) as { tools: { name: string }[] };
  const text = JSON.stringify(result);
  b.facts.tools = result.tools.map((tool) => tool.name);
  b.facts.toolsListBytes = Buffer.byteLength(text);
  b.rows.push(
    absoluteRow(
      {
        section: 'tokens',
        metric: `tools/list (${result.tools.length} tools)`,
        value: tokens(text),
        unit: 'tok',
      },
      { max: 4500 },
    ),
  );
  if (result.tools.length !== 7)
    b.facts.toolsListWarning = `expected 7 tools, got ${result.tools.length}`;
}

async function measurePages(b: Bench, server: StdioPeer, provider: Provider): Promise<string[]> {
  const tool = `${provider}_list_customers`;
  const summary = resultText(await server.callTool(tool, { take: 100 }), tool);
  const full = resultText(await server.callTool(tool, { take: 100, detail: 'full' }), tool);
  const items = (JSON.parse(summary) as { items: { id: string }[] }).items;
  b.rows.push(
    // Under 10,000 tokens, where Claude Code starts warning about a tool result (CONTRACT §4).
    beforeAfterRow(
      {
        section: 'tokens',
        metric: `${provider} 100-row summary page`,
        value: tokens(summary),
        unit: 'tok',
        note: items.length === 100 ? undefined : `only ${items.length} rows`,
      },
      { label: 'before the leaner summary', value: BEFORE_ISSUE_11[provider] },
      { max: 9999 },
    ),
    absoluteRow({
      section: 'tokens',
      metric: `${provider} 100-row full page`,
      value: tokens(full),
      unit: 'tok',
    }),
  );
  return items.map((item) => item.id);
}

async function captureRequests(
  b: Bench,
  server: StdioPeer,
  provider: Provider,
  ids: string[],
): Promise<Sample[]> {
  const origin = new URL(b.host.ready.settings[provider].baseUrl).origin;
  const samples: Sample[] = [];
  const perCall: number[] = [];
  for (const id of ids) {
    await b.host.clear(provider);
    resultText(
      await server.callTool(`${provider}_get_customer`, { id }),
      `${provider}_get_customer`,
    );
    const logged = await b.host.requests(provider);
    perCall.push(logged.length);
    const last = logged.at(-1);
    if (!last) throw new Error(`${provider}_get_customer made no upstream request`);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(last.headers)) {
      if (!SKIP_HEADERS.has(name)) headers[name] = value;
    }
    const url = `${origin}${last.rawPath}${last.rawQuery ? `?${last.rawQuery}` : ''}`;
    samples.push({ id, request: last, url, headers });
  }
  b.facts[`${provider}UpstreamRequestsPerGet`] = perCall;
  return samples;
}

async function measureCustomers(b: Bench, server: StdioPeer, provider: Provider): Promise<void> {
  const tool = `${provider}_get_customer`;
  let raw = '';
  let summary = '';
  let full = '';
  for (const sample of b.samples[provider]) {
    const response = await request(sample.url, { headers: sample.headers });
    raw += await response.body.text();
    summary += resultText(await server.callTool(tool, { id: sample.id }), tool);
    full += resultText(await server.callTool(tool, { id: sample.id, detail: 'full' }), tool);
  }
  const n = b.samples[provider].length;
  const rawBytes = Buffer.byteLength(raw);
  const rawTokens = tokens(raw);
  const section = 'tokens';
  b.rows.push(
    ratioRow(
      {
        section,
        metric: `${provider} summary bytes, ${n} customers`,
        value: Buffer.byteLength(summary),
        unit: 'B',
      },
      { label: 'raw JSON', value: rawBytes },
      { max: 0.35 },
    ),
    ratioRow(
      {
        section,
        metric: `${provider} summary tokens, ${n} customers`,
        value: tokens(summary),
        unit: 'tok',
      },
      { label: 'raw JSON', value: rawTokens },
    ),
    ratioRow(
      {
        section,
        metric: `${provider} full bytes, ${n} customers`,
        value: Buffer.byteLength(full),
        unit: 'B',
      },
      { label: 'raw JSON', value: rawBytes },
    ),
    ratioRow(
      {
        section,
        metric: `${provider} full tokens, ${n} customers`,
        value: tokens(full),
        unit: 'tok',
      },
      { label: 'raw JSON', value: rawTokens },
    ),
  );
}
