/**
 * What the 2026-07-28 revision asks of a server, on the wire: raw HTTP requests
 * against serveHttp (status codes and headers included) and a pinned SDK client over stdio.
 * The contract suites run again in this era through the `modern`, `http-modern`, `stdio-modern`
 * and `auto` vitest projects; this file checks what only this era has.
 */
import { fileURLToPath } from 'node:url';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SERVER_INFO_META_KEY,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { LIST_TTL_MS, SERVER_NAME } from '../../src/server.js';
import { tenantRoute } from '../../src/transport/http/tenants.js';
import { rpcBody, startHttpServer, type TestHttpServer } from '../helpers/http.js';
import { newClient, structured, testHttp } from '../helpers/mcp.js';
import { BASE_ENV } from '../helpers/run.js';
import { sandboxEnv, sandboxProviders } from '../helpers/sandbox.js';

const MODERN = '2026-07-28';
const BIN = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

let sandbox: Sandbox;
let server: TestHttpServer;

beforeAll(async () => {
  const started = await sandboxProviders(testHttp({ maxRetries: 1 }));
  sandbox = started.sandbox;
  server = await startHttpServer(started.providers);
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

type Rpc = {
  id?: unknown;
  result: Record<string, unknown>;
  error: { code: number; message: string; data?: unknown };
};

/** A 2026-07-28 request as a client sends it: envelope in `_meta`, Mcp-Method/Mcp-Name headers. */
function modern(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  options: { headers?: Record<string, string>; meta?: Record<string, unknown>; id?: number } = {},
): Promise<Response> {
  const name: Record<string, string> =
    typeof params.name === 'string' ? { 'mcp-name': params.name } : {};
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...name,
      ...options.headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: options.id ?? 1,
      method,
      params: {
        ...params,
        _meta: {
          [PROTOCOL_VERSION_META_KEY]: MODERN,
          [CLIENT_CAPABILITIES_META_KEY]: {},
          [CLIENT_INFO_META_KEY]: { name: 'raw-2026', version: '0.0.0' },
          ...options.meta,
        },
      },
    }),
  });
}

describe('2026-07-28 over HTTP', () => {
  it('server/discover names the revisions served, the capabilities honoured and the server', async () => {
    const response = await modern(server.url, 'server/discover');
    expect(response.status).toBe(200);
    const { result } = await rpcBody<Rpc>(response);
    expect(result.supportedVersions).toContain(MODERN);
    expect(result.capabilities).toEqual({ tools: {}, logging: {} });
    expect(result._meta).toMatchObject({ [SERVER_INFO_META_KEY]: { name: SERVER_NAME } });
    expect(result.ttlMs).toBe(LIST_TTL_MS);
    expect(String(result.instructions)).toContain('find_customers');
    expect(result.resultType).toBe('complete');
  });

  it('tools/list: resultType, serverInfo in _meta, cache hints, the same order every time', async () => {
    const first = (await rpcBody<Rpc>(await modern(server.url, 'tools/list'))).result;
    expect(first.resultType).toBe('complete');
    expect(first._meta).toMatchObject({ [SERVER_INFO_META_KEY]: { name: SERVER_NAME } });
    expect(first.ttlMs).toBe(LIST_TTL_MS);
    expect(first.cacheScope).toBe('public');
    const names = (first.tools as { name: string }[]).map((tool) => tool.name);
    expect(names).toEqual([
      'quentli_get_customer',
      'quentli_list_customers',
      'flexprice_get_customer',
      'flexprice_list_customers',
      'maple_get_customer',
      'maple_list_customers',
      'find_customers',
    ]);
    const again = (await rpcBody<Rpc>(await modern(server.url, 'tools/list'))).result;
    expect((again.tools as { name: string }[]).map((tool) => tool.name)).toEqual(names);
  });

  it('tools/call: the same result and coded errors as 2025-11-25, with resultType', async () => {
    const page = await rpcBody<Rpc>(
      await modern(server.url, 'tools/call', {
        name: 'quentli_list_customers',
        arguments: { take: 2 },
      }),
    );
    expect(page.result.resultType).toBe('complete');
    expect(structured<{ returned: number }>(page.result).returned).toBe(2);
    const invalid = await rpcBody<Rpc>(
      await modern(server.url, 'tools/call', {
        name: 'quentli_list_customers',
        arguments: { take: 0 },
      }),
    );
    expect(invalid.result.isError).toBe(true);
    const text = (invalid.result.content as { text: string }[])[0]?.text ?? '';
    expect(JSON.parse(text).error.code).toBe('invalid_argument');
  });

  it('Mcp-Method or Mcp-Name unlike the body → 400 HeaderMismatch (-32020) carrying the request id', async () => {
    const mismatches: Record<string, string>[] = [
      { 'mcp-method': 'tools/list' },
      { 'mcp-name': 'maple_get_customer' },
    ];
    for (const headers of mismatches) {
      const response = await modern(
        server.url,
        'tools/call',
        { name: 'quentli_list_customers', arguments: {} },
        { headers, id: 41 },
      );
      expect(response.status, JSON.stringify(headers)).toBe(400);
      const body = await rpcBody<Rpc>(response);
      expect(body.error.code).toBe(-32020);
      expect(body.id).toBe(41);
    }
  });

  it('removed and unknown methods → 404 -32601 with the id; an unsupported revision → 400 -32022 naming the supported ones', async () => {
    for (const method of ['ping', 'logging/setLevel', 'initialize', 'no/such_method']) {
      const response = await modern(server.url, method, {}, { id: 7 });
      expect(response.status, method).toBe(404);
      const body = await rpcBody<Rpc>(response);
      expect(body.error.code, method).toBe(-32601);
      expect(body.id, method).toBe(7);
    }
    const future = await modern(
      server.url,
      'tools/list',
      {},
      {
        meta: { [PROTOCOL_VERSION_META_KEY]: '2099-01-01' },
        headers: { 'mcp-protocol-version': '2099-01-01' },
      },
    );
    expect(future.status).toBe(400);
    const body = await rpcBody<Rpc>(future);
    expect(body.error.code).toBe(-32022);
    expect((body.error.data as { supported: string[] }).supported).toContain(MODERN);
  });

  it('log messages only for a request that asks (logLevel in _meta), streamed before the result', async () => {
    const { emulator } = sandbox.emulators.quentli;
    const call = (meta: Record<string, unknown>) => {
      emulator.inject({ respond: { status: 503, json: { message: 'down' } } });
      return modern(
        server.url,
        'tools/call',
        { name: 'quentli_list_customers', arguments: { take: 1 } },
        { meta },
      );
    };
    const quiet = await call({});
    expect(await quiet.text()).not.toContain('notifications/message');
    const asked = await call({ [LOG_LEVEL_META_KEY]: 'info' });
    expect(asked.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await asked.text();
    const log = text.indexOf('notifications/message');
    expect(log).toBeGreaterThan(-1);
    expect(text.indexOf('"result"')).toBeGreaterThan(log);
    expect(text).toMatch(/Quentli: HTTP 503; retry 1 of 1/);
    const above = await call({ [LOG_LEVEL_META_KEY]: 'error' });
    expect(await above.text()).not.toContain('notifications/message');
  });

  it('header credentials: the tool list depends on the caller, so its cacheScope is private', async () => {
    const tenants = await startHttpServer([], {
      settings: { credentials: 'headers' },
      route: tenantRoute({
        allowedBaseUrls: [new URL(sandbox.settings.quentli.baseUrl).origin],
        http: testHttp(),
        version: '0.0.0-test',
        secrets: () => [],
      }),
    });
    try {
      const response = await modern(
        tenants.url,
        'tools/list',
        {},
        {
          headers: {
            'x-quentli-api-key': sandbox.settings.quentli.apiKey,
            'x-quentli-base-url': sandbox.settings.quentli.baseUrl,
          },
        },
      );
      const { result } = await rpcBody<Rpc>(response);
      expect(result.cacheScope).toBe('private');
      expect((result.tools as unknown[]).length).toBe(2);
    } finally {
      await tenants.close();
    }
  });
});

describe('2026-07-28 over stdio (the built bin)', () => {
  it('a pinned client discovers, lists and calls; results carry serverInfo; ping is gone', async () => {
    const client = newClient('stdio-2026', 'modern');
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN],
        env: { ...BASE_ENV, ...sandboxEnv(sandbox.emulators) },
        stderr: 'ignore',
      }),
    );
    try {
      expect(client.getProtocolEra()).toBe('modern');
      expect(client.getServerCapabilities()).toEqual({ tools: {}, logging: {} });
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(7);
      const result = await client.callTool({
        name: 'maple_list_customers',
        arguments: { take: 1 },
      });
      expect(result._meta).toMatchObject({ [SERVER_INFO_META_KEY]: { name: SERVER_NAME } });
      expect(structured<{ returned: number }>(result).returned).toBe(1);
      await expect(client.ping()).rejects.toThrow();
    } finally {
      await client.close();
    }
  });
});
