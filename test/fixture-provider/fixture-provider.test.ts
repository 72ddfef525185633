/**
 * A provider added the way docs/adding-a-provider.md says — a folder (provider.ts, emulator.ts
 * here) and one registry entry — without touching src/: configured from its environment
 * variables, served with its two tools and in find_customers, over header credentials, checked
 * by doctor, and its key redacted. Each step of the document is checked here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, usageText } from '../../src/config.js';
import { runDoctor } from '../../src/doctor.js';
import { envFor, type ProviderEntry } from '../../src/providers/descriptor.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { OPEN } from '../../src/transport/http/auth.js';
import { callerKey, identityHeaders } from '../../src/transport/http/cancel.js';
import { type RunningHttpServer, serveHttp } from '../../src/transport/http/serve.js';
import { headerCredentialRoute } from '../../src/transport/http/start.js';
import { connectHttpClient, httpSettings, postMcp, rpcBody } from '../helpers/http.js';
import { connectInMemory, structured, testHttp, toolError } from '../helpers/mcp.js';
import { ROOT } from '../helpers/run.js';
import { TALLY_KEY, TALLY_WORKSPACE } from './emulator.js';
import { TALLY } from './provider.js';

/** The one entry: the built-in table plus the fixture, as a fork's registry.ts would list it. */
const REGISTRY: readonly ProviderEntry[] = [...PROVIDERS, TALLY];
const WRONG_KEY = 'tally_wrong_ECHOEDkey_51f0a9c3';

let sandbox: Sandbox<string>;
const envOf = (box: Sandbox<string>) =>
  Object.assign({}, ...box.configured.map(({ entry, settings }) => envFor(entry, settings)));
const tally = () => {
  const settings = sandbox.settings.tally;
  if (!settings) throw new Error('the sandbox started no tally emulator');
  return settings;
};
const tallyOrigin = () => new URL(tally().baseUrl).origin;

beforeAll(async () => {
  // Step 2 of the document: the descriptor's `sandbox` starts its emulator with the others.
  sandbox = await startSandbox({ registry: REGISTRY });
});
afterAll(async () => {
  await sandbox.close();
});

describe('docs/adding-a-provider.md', () => {
  const text = readFileSync(join(ROOT, 'docs', 'adding-a-provider.md'), 'utf8');

  it('has the three steps this test follows: a folder, an emulator, one entry', () => {
    const steps = [...text.matchAll(/^## (\d)\. (.+)$/gm)].map((m) => m[2]);
    expect(steps).toEqual([
      'A folder: `src/providers/<provider>/`',
      'An emulator: `src/sandbox/<provider>/emulator.ts`',
      'One entry: `src/providers/registry.ts`',
    ]);
  });

  it('lists the files every provider folder has, and each built-in folder has them', () => {
    const table = [...text.matchAll(/^\| `([\w.-]+\.ts)` +\|/gm)].map((m) => m[1] as string);
    expect(table).toHaveLength(6);
    for (const entry of PROVIDERS) {
      const own = readdirSync(join(ROOT, 'src', 'providers', entry.id));
      expect(own, entry.id).toEqual(expect.arrayContaining(table));
    }
  });
});

describe('configuration from the descriptor', () => {
  it('reads its key, its extra setting and its base URL, and lists them in --help', () => {
    const config = loadConfig(envOf(sandbox), [], REGISTRY);
    expect(config.providers.map((p) => p.entry.id)).toEqual([
      'quentli',
      'flexprice',
      'maple',
      'tally',
    ]);
    expect(config.providers.at(-1)?.settings).toEqual({
      baseUrl: tally().baseUrl,
      apiKey: TALLY_KEY,
      extras: { workspaceId: TALLY_WORKSPACE },
    });
    expect(usageText(REGISTRY)).toContain('  TALLY_API_KEY, TALLY_WORKSPACE_ID, TALLY_BASE_URL\n');
    expect(usageText(REGISTRY)).toContain('Maple Billing and Tally Books.');
  });

  it('refuses its key without its extra setting, naming both and no value', () => {
    expect(() => loadConfig({ TALLY_API_KEY: TALLY_KEY }, [], REGISTRY)).toThrow(
      'Tally Books: TALLY_API_KEY is set but TALLY_WORKSPACE_ID is not.',
    );
  });

  it('refuses a registry that declares a header or variable twice', async () => {
    const { checkRegistry, defineProvider } = await import('../../src/providers/descriptor.js');
    const twin = defineProvider({ ...TALLY, id: 'tallytwo' });
    expect(() => checkRegistry([TALLY, twin])).toThrow(/TALLY_API_KEY is declared twice/);
  });
});

describe('served end to end', () => {
  let client: Client;
  beforeAll(async () => {
    const config = loadConfig(envOf(sandbox), [], REGISTRY);
    client = await connectInMemory(
      config.providers.map(({ entry, settings }) => entry.create(settings, testHttp())),
    );
  });
  afterAll(async () => {
    await client.close();
  });

  it('lists its two tools beside the built-in ones and find_customers', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['tally_get_customer', 'tally_list_customers']));
    expect(names.at(-1)).toBe('find_customers');
  });

  it('pages through its list with next_cursor and gets one customer by id and external_id', async () => {
    type Page = {
      provider: string;
      items: { id: string }[];
      has_more: boolean;
      next_cursor: string;
    };
    const call = async (name: string, args: Record<string, unknown>) =>
      structured<Page & { customer: { provider: string; id: string; email: string } }>(
        await client.callTool({ name, arguments: args }),
      );
    const first = await call('tally_list_customers', { take: 5 });
    expect(first).toMatchObject({ provider: 'tally', has_more: true });
    expect(first.items.map((r) => r.id)).toEqual([
      'tc_001',
      'tc_002',
      'tc_003',
      'tc_004',
      'tc_005',
    ]);
    const second = await call('tally_list_customers', { cursor: first.next_cursor });
    expect(second.items[0]?.id).toBe('tc_006');
    const byId = await call('tally_get_customer', { id: 'tc_003' });
    expect(byId.customer).toMatchObject({ provider: 'tally', email: 'person3@tally.test' });
    const byRef = await call('tally_get_customer', { external_id: 'ext-4' });
    expect(byRef.customer.id).toBe('tc_004');
  });

  it('answers in find_customers beside the other systems', async () => {
    type Found = { results: { provider: string; items?: { id: string }[] }[] };
    const found = structured<Found>(
      await client.callTool({ name: 'find_customers', arguments: { email: 'person7@tally.test' } }),
    );
    expect(found.results.map((s) => s.provider)).toEqual([
      'quentli',
      'flexprice',
      'maple',
      'tally',
    ]);
    const tally = found.results.find((s) => s.provider === 'tally');
    expect(tally?.items?.map((r) => r.id)).toEqual(['tc_007']);
  });
});

describe('header credentials over HTTP', () => {
  let running: RunningHttpServer;
  const log: string[] = [];
  beforeAll(async () => {
    const settings = httpSettings({ credentials: 'headers', allowedBaseUrls: [tallyOrigin()] });
    running = await serveHttp({
      settings,
      authenticator: OPEN,
      route: headerCredentialRoute({
        settings,
        http: testHttp(),
        version: '0.0.0-test',
        registry: REGISTRY,
      }),
      callerHeaders: identityHeaders(REGISTRY),
      writeLog: (line) => log.push(line),
    });
  });
  afterAll(async () => {
    await running.shutdown(1000);
  });

  const headers = (key: string) => ({
    'X-Tally-Api-Key': key,
    'X-Tally-Workspace-Id': TALLY_WORKSPACE,
    'X-Tally-Base-Url': tallyOrigin(),
  });

  it('serves the tools of the credentials a request sent, and names the headers of the rest', async () => {
    const client = await connectHttpClient(running.url, headers(TALLY_KEY));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(['tally_get_customer', 'tally_list_customers']);
    const page = structured<{ returned: number }>(
      await client.callTool({ name: 'tally_list_customers', arguments: { take: 3 } }),
    );
    expect(page.returned).toBe(3);
    const off = toolError(await client.callTool({ name: 'maple_list_customers', arguments: {} }));
    expect(off.code).toBe('unauthorized');
    expect(off.message).toContain('X-Maple-Api-Key and X-Maple-Company-Id');
    await client.close();
  });

  it('refuses its key header without its extra setting header', async () => {
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const answer = await postMcp(running.url, list, { 'X-Tally-Api-Key': TALLY_KEY });
    expect(answer.status).toBe(400);
    const body = await rpcBody<{ error: { message: string } }>(answer);
    expect(body.error.message).toBe('x-tally-api-key needs x-tally-workspace-id beside it.');
  });

  it('redacts its key: an error body that echoes the key reaches neither the client nor the log', async () => {
    const client = await connectHttpClient(running.url, headers(WRONG_KEY));
    const result = await client.callTool({ name: 'tally_list_customers', arguments: {} });
    const error = toolError(result);
    expect(error).toMatchObject({ code: 'unauthorized', provider: 'tally' });
    expect(error.message).toContain('X-Tally-Api-Key and X-Tally-Workspace-Id');
    // The emulator's message echoed the key: it arrives, with the key cut out.
    expect(error.message).toContain('invalid [redacted]');
    const echoed = sandbox.emulators.tally?.emulator.requests.at(-1);
    expect(echoed?.status).toBe(401);
    expect(JSON.stringify(result)).not.toContain(WRONG_KEY);
    expect(log.join('')).not.toContain(WRONG_KEY);
    await client.close();
  });

  it('scopes cancellation by its credential headers: another workspace is another caller', () => {
    expect(identityHeaders(REGISTRY)).toEqual(
      expect.arrayContaining(['x-tally-api-key', 'x-tally-workspace-id']),
    );
    const caller = (workspace: string) =>
      callerKey(
        { headers: { 'x-tally-api-key': TALLY_KEY, 'x-tally-workspace-id': workspace } },
        identityHeaders(REGISTRY),
      );
    expect(caller('ws_a')).not.toBe(caller('ws_b'));
  });
});

describe('doctor', () => {
  const run = async (env: Record<string, string>) => {
    const config = loadConfig(env, ['doctor'], REGISTRY);
    const targets = config.providers.map(({ entry, settings }) => ({
      provider: entry.create(settings, testHttp()),
      baseUrl: settings.baseUrl,
    }));
    const chunks: string[] = [];
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        chunks.push(String(chunk));
        done();
      },
    });
    const code = await runDoctor(targets, config, stream, { command: 'node', script: 'bin.js' });
    return { code, out: chunks.join('') };
  };
  const tallyEnv = () => envFor(TALLY, tally());

  it('checks it with one read and pastes its extra setting, never its key', async () => {
    const { code, out } = await run(tallyEnv());
    expect(code).toBe(0);
    expect(out).toMatch(/^tally +http:\/\/127\.0\.0\.1:\d+\/api\/v2 +ok$/m);
    const pasted = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1));
    expect(pasted.mcpServers['billing-customers'].env).toMatchObject({
      TALLY_API_KEY: '<your TALLY_API_KEY>',
      TALLY_WORKSPACE_ID: TALLY_WORKSPACE,
    });
    expect(out).not.toContain(TALLY_KEY);
  });

  it('names its variables in the fix for a rejected key, and never prints the key it echoed', async () => {
    const { code, out } = await run({ ...tallyEnv(), TALLY_API_KEY: WRONG_KEY });
    expect(code).toBe(1);
    expect(out).toContain('FAILED unauthorized');
    expect(out).toContain('fix: check TALLY_API_KEY and TALLY_WORKSPACE_ID');
    expect(out).not.toContain(WRONG_KEY);
  });
});
