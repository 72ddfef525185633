/**
 * Per-provider access by OAuth scope (BILLING_MCP_OAUTH_PROVIDER_SCOPES=1): tokens from a JWKS
 * server started here, with one, two and three provider scopes, seen through the real SDK client
 * over Streamable HTTP on 127.0.0.1 (both eras: the remote-modern project re-runs this file), and
 * the 403 insufficient_scope step-up on the wire.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_IDS, type ProviderId } from '../../src/customer.js';
import type { BillingProvider } from '../../src/providers/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { oauthAuth } from '../../src/transport/http/auth.js';
import { grantRoute, providerScope } from '../../src/transport/http/grants.js';
import {
  connectHttpClient,
  postMcp,
  rpcBody,
  startHttpServer,
  type TestHttpServer,
} from '../helpers/http.js';
import { type Idp, startIdp } from '../helpers/idp.js';
import { structured, toolError } from '../helpers/mcp.js';
import { codeBlocks } from '../helpers/readme.js';
import { sandboxProviders } from '../helpers/sandbox.js';

const AUDIENCE = 'https://billing-mcp.example.com/mcp';
const METADATA_URL = 'https://billing-mcp.example.com/.well-known/oauth-protected-resource/mcp';
const ALL_SCOPES = 'billing.quentli.read billing.flexprice.read billing.maple.read';

let sandbox: Sandbox;
let providers: BillingProvider[];
let idp: Idp;
let server: TestHttpServer;

beforeAll(async () => {
  ({ sandbox, providers } = await sandboxProviders());
  idp = await startIdp();
  const authenticator = await oauthAuth({
    issuer: idp.issuer,
    audience: AUDIENCE,
    providerScopes: true,
  });
  server = await startHttpServer(providers, {
    authenticator,
    route: grantRoute({ providers, version: '0.0.0-test' }),
  });
});
afterAll(async () => {
  await server.close();
  await idp.close();
  await sandbox.close();
});

function upstreamRequests(): number {
  return Object.values(sandbox.emulators).reduce((n, e) => n + e.emulator.requests.length, 0);
}

const toolsOf = (ids: readonly ProviderId[]) => [
  ...ids.flatMap((id) => [`${id}_get_customer`, `${id}_list_customers`]),
  ...(ids.length >= 2 ? ['find_customers'] : []),
];

const callOf = (name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 7,
  method: 'tools/call',
  params: { name, arguments: args },
});

const stepUp = (scopes: string, missing: string) =>
  `Bearer error="insufficient_scope", error_description="Not granted: ${missing}", scope="${scopes}", resource_metadata="${METADATA_URL}"`;

describe('OAuth provider scopes', () => {
  it('the RFC 9728 metadata lists the provider scopes; a request without a token is told to ask for them', async () => {
    const origin = server.url.replace(/\/mcp$/, '');
    const document = (await (
      await fetch(`${origin}/.well-known/oauth-protected-resource`)
    ).json()) as { scopes_supported: string[] };
    expect(document.scopes_supported).toEqual(PROVIDER_IDS.map(providerScope));
    expect(document.scopes_supported.join(' ')).toBe(ALL_SCOPES);
    const anonymous = await postMcp(server.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      `Bearer error_description="Missing Authorization header", scope="${ALL_SCOPES}", resource_metadata="${METADATA_URL}"`,
    );
  });

  it.each([
    [['quentli']],
    [['maple']],
    [['flexprice', 'maple']],
    [['quentli', 'flexprice', 'maple']],
  ] as [ProviderId[]][])(
    'scopes for %j: the client sees exactly those tools, and find_customers spans exactly them',
    async (granted) => {
      const scope = ['openid', ...granted.map(providerScope)].join(' ');
      const token = await idp.sign({ scope });
      const client = await connectHttpClient(server.url, { authorization: `Bearer ${token}` });
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toEqual(toolsOf(granted));
        const instructions = client.getInstructions() ?? '';
        for (const id of PROVIDER_IDS) {
          expect(instructions.includes(`${id}_get_customer`), id).toBe(granted.includes(id));
        }
        for (const id of granted) {
          const page = await client.callTool({
            name: `${id}_list_customers`,
            arguments: { take: 1 },
          });
          expect(page.isError, id).toBeFalsy();
        }
        if (granted.length >= 2) {
          const found = structured<{ results: { provider: string }[] }>(
            await client.callTool({ name: 'find_customers', arguments: { search: 'a', take: 1 } }),
          );
          expect(found.results.map((section) => section.provider)).toEqual(granted);
          const schema = tools.find((t) => t.name === 'find_customers')?.inputSchema as unknown as {
            properties: { providers: { items: { enum: string[] } } };
          };
          expect(schema.properties.providers.items.enum).toEqual(granted);
        }
        // A tool outside the grant: the SDK client gets the 403 (no auth provider to step up with).
        const outside = PROVIDER_IDS.find((id) => !granted.includes(id));
        if (outside) {
          const before = upstreamRequests();
          await expect(
            client.callTool({ name: `${outside}_list_customers`, arguments: {} }),
          ).rejects.toThrow(`Insufficient scope: required "${providerScope(outside)}"`);
          expect(upstreamRequests()).toBe(before);
        }
      } finally {
        await client.close();
      }
    },
  );

  it.each([
    [['quentli'], 'maple_get_customer', 'billing.maple.read', 'maple'],
    [['flexprice', 'maple'], 'quentli_list_customers', 'billing.quentli.read', 'quentli'],
    // One provider granted: find_customers does not exist for it; the step-up names the others.
    [
      ['quentli'],
      'find_customers',
      'billing.flexprice.read billing.maple.read',
      'flexprice, maple',
    ],
  ] as const)(
    'scopes for %j calling %s → 403 insufficient_scope naming %s; nothing reaches upstream',
    async (granted, tool, needed, missing) => {
      const token = await idp.sign({ scope: granted.map(providerScope).join(' ') });
      const before = upstreamRequests();
      const response = await postMcp(server.url, callOf(tool, { id: 'x', search: 'a' }), {
        authorization: `Bearer ${token}`,
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(stepUp(needed, missing));
      expect(await response.json()).toEqual({
        error: 'insufficient_scope',
        error_description: `Not granted: ${missing}`,
      });
      expect(upstreamRequests()).toBe(before);
      expect(server.log.at(-1)).toContain('"error":"insufficient_scope"');
    },
  );

  it("docs/remote.md's step-up challenge is the one the server sends", async () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'remote.md'), 'utf8');
    const shown = codeBlocks(doc, 'text').find((b) => b.includes('insufficient_scope')) ?? '';
    const token = await idp.sign({ scope: providerScope('quentli') });
    const response = await postMcp(server.url, callOf('maple_list_customers'), {
      authorization: `Bearer ${token}`,
    });
    expect(shown.trim()).toBe(`WWW-Authenticate: ${response.headers.get('www-authenticate')}`);
  });

  it('a batch with one call outside the grant is refused whole, naming every missing scope', async () => {
    const token = await idp.sign({ scope: providerScope('quentli') });
    const batch = [
      { ...callOf('quentli_list_customers'), id: 1 },
      { ...callOf('maple_list_customers'), id: 2 },
      { ...callOf('flexprice_get_customer', { id: 'x' }), id: 3 },
    ];
    const response = await postMcp(server.url, batch, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      stepUp('billing.flexprice.read billing.maple.read', 'flexprice, maple'),
    );
  });

  it('a token with no provider scope grants nothing: every request is stepped up to all of them', async () => {
    const token = await idp.sign({ scope: 'openid billing.unknown.read' });
    const response = await postMcp(
      server.url,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { authorization: `Bearer ${token}` },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      stepUp(ALL_SCOPES, 'quentli, flexprice, maple'),
    );
  });

  it('find_customers asked for a provider outside the grant is an invalid_argument naming those granted', async () => {
    const token = await idp.sign({
      scope: `${providerScope('quentli')} ${providerScope('maple')}`,
    });
    const client = await connectHttpClient(server.url, { authorization: `Bearer ${token}` });
    try {
      const result = await client.callTool({
        name: 'find_customers',
        arguments: { search: 'a', providers: ['flexprice'] },
      });
      const error = toolError(result);
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toMatch(/quentli/);
    } finally {
      await client.close();
    }
  });

  it('tools/list depends on the caller: its 2026-07-28 cache hint is private', async () => {
    const token = await idp.sign({ scope: providerScope('maple') });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/list',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': {},
            'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '0' },
          },
        },
      }),
    });
    const { result } = await rpcBody<{ result: { cacheScope: string; tools: unknown[] } }>(
      response,
    );
    expect(result.cacheScope).toBe('private');
    expect(result.tools).toHaveLength(2);
  });

  it('one server per grant set, built once and reused; the scopes order does not matter', () => {
    const route = grantRoute({ providers, version: '0.0.0-test' });
    const principal = { kind: 'local' } as const;
    const req = {} as never;
    const a = route(req, { principal, grant: ['maple', 'quentli'] });
    expect(route(req, { principal, grant: ['quentli', 'maple'] })).toBe(a);
    expect(route(req, { principal, grant: ['quentli'] })).not.toBe(a);
    expect(route(req, { principal })).toBe(
      route(req, { principal, grant: ['quentli', 'flexprice', 'maple'] }),
    );
  });
});

describe('without BILLING_MCP_OAUTH_PROVIDER_SCOPES', () => {
  it('provider scopes mean nothing: a valid token sees every provider, and the metadata lists no scopes', async () => {
    const authenticator = await oauthAuth({ issuer: idp.issuer, audience: AUDIENCE });
    const plain = await startHttpServer(providers, { authenticator });
    try {
      const origin = plain.url.replace(/\/mcp$/, '');
      const document = await (await fetch(`${origin}/.well-known/oauth-protected-resource`)).json();
      expect(document).not.toHaveProperty('scopes_supported');
      const token = await idp.sign({ scope: providerScope('quentli') });
      const client = await connectHttpClient(plain.url, { authorization: `Bearer ${token}` });
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(toolsOf(PROVIDER_IDS));
      await client.close();
    } finally {
      await plain.close();
    }
  });
});
