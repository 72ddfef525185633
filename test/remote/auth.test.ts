/**
 * Access control in remote mode (CONTRACT §6): the static bearer token, and OAuth 2.1 access
 * tokens verified against a JWKS server started here, with keys jose generates. Real HTTP both ways.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { JWKS_COOLDOWN_MS, oauthAuth, staticTokenAuth } from '../../src/transport/http/auth.js';
import {
  connectHttpClient,
  postMcp,
  postWithRawHeaders,
  startHttpServer,
  type TestHttpServer,
} from '../helpers/http.js';
import { type Idp, startIdp } from '../helpers/idp.js';
import { sandboxProviders } from '../helpers/sandbox.js';

const LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
let sandbox: Sandbox;
let providers: Awaited<ReturnType<typeof sandboxProviders>>['providers'];

beforeAll(async () => {
  ({ sandbox, providers } = await sandboxProviders());
});
afterAll(() => sandbox.close());

function upstreamRequests(): number {
  return Object.values(sandbox.emulators).reduce((n, e) => n + e.emulator.requests.length, 0);
}

describe('static bearer token (BILLING_MCP_HTTP_TOKEN)', () => {
  const token = 'tok_0123456789abcdef0123456789abcdef';
  let server: TestHttpServer;
  beforeAll(async () => {
    server = await startHttpServer(providers, { authenticator: staticTokenAuth(token) });
  });
  afterAll(() => server.close());

  it('no token → 401 with a Bearer challenge; nothing reaches a tool', async () => {
    const before = upstreamRequests();
    const call = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'quentli_list_customers', arguments: {} },
    };
    const response = await postMcp(server.url, call);
    expect(response.status).toBe(401);
    // RFC 6750 §3.1: no error code when the request carried no credentials.
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer error_description="Missing Authorization header"',
    );
    expect(await response.json()).toEqual({ error_description: 'Missing Authorization header' });
    expect(upstreamRequests()).toBe(before);
  });

  it.each([
    ['a wrong token', `Bearer ${token.slice(0, -1)}x`],
    ['a longer token', `Bearer ${token}0`],
    ['another scheme', `Basic ${token}`],
  ])('%s → 401', async (_, authorization) => {
    const response = await postMcp(server.url, LIST, { authorization });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('two Authorization headers (whichever holds the token) → 400 invalid_request, nothing served', async () => {
    for (const pair of [
      [`Bearer ${token}`, 'Bearer someone-else'],
      ['Bearer someone-else', `Bearer ${token}`],
    ]) {
      const response = await postWithRawHeaders(
        server.url,
        LIST,
        pair.map((value) => ['authorization', value] as [string, string]),
      );
      expect(response.status, pair.join(' + ')).toBe(400);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer error="invalid_request", error_description="Send one Authorization header"',
      );
      expect(JSON.parse(response.body)).toEqual({
        error: 'invalid_request',
        error_description: 'Send one Authorization header',
      });
    }
    expect(server.log.at(-1)).toContain('"error":"bad_request"');
  });

  it('the valid token → the SDK client lists and calls tools; the token never goes upstream', async () => {
    const client = await connectHttpClient(server.url, { authorization: `Bearer ${token}` });
    expect((await client.listTools()).tools).toHaveLength(7);
    const before = upstreamRequests();
    for (const name of [
      'quentli_list_customers',
      'flexprice_list_customers',
      'maple_list_customers',
    ]) {
      await client.callTool({ name, arguments: { take: 1 } });
    }
    expect(upstreamRequests()).toBe(before + 3);
    await client.close();
    const sent = Object.values(sandbox.emulators).flatMap((e) => e.emulator.requests);
    expect(sent.filter((r) => JSON.stringify(r.headers).includes(token))).toEqual([]);
  });
});

describe('OAuth 2.1 resource server (BILLING_MCP_OAUTH_*)', () => {
  let idp: Idp;
  let server: TestHttpServer;
  const audience = 'https://billing-mcp.example.com/mcp';
  const metadataUrl = 'https://billing-mcp.example.com/.well-known/oauth-protected-resource/mcp';

  beforeAll(async () => {
    idp = await startIdp();
    const authenticator = await oauthAuth({ issuer: idp.issuer, audience, scope: 'billing:read' });
    server = await startHttpServer(providers, { authenticator });
  });
  afterAll(async () => {
    await server.close();
    await idp.close();
  });

  const challenge = (description: string) =>
    `Bearer error="invalid_token", error_description="${description}", scope="billing:read", resource_metadata="${metadataUrl}"`;

  async function status(token: string) {
    const response = await postMcp(server.url, LIST, { authorization: `Bearer ${token}` });
    return { status: response.status, challenge: response.headers.get('www-authenticate') };
  }

  it('serves the RFC 9728 metadata at the root and the path-suffixed form, without auth', async () => {
    const expected = {
      resource: audience,
      authorization_servers: [idp.issuer],
      scopes_supported: ['billing:read'],
      bearer_methods_supported: ['header'],
      resource_name: 'billing-customers-mcp',
    };
    const origin = server.url.replace(/\/mcp$/, '');
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual(expected);
    }
  });

  it('no token → 401 with WWW-Authenticate naming the resource metadata, and no error code (RFC 6750 §3.1)', async () => {
    const response = await postMcp(server.url, LIST);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error_description="Missing Authorization header", scope="billing:read", resource_metadata="${metadataUrl}"`,
    );
    // A malformed token is a bad credential: invalid_token, as before.
    expect(await status('not.a.jwt')).toEqual({
      status: 401,
      challenge: challenge('Invalid token'),
    });
  });

  it('a valid token (right issuer, audience, scope, unexpired) → served, also through the SDK client', async () => {
    const token = await idp.sign({});
    expect(await status(token)).toEqual({ status: 200, challenge: null });
    const client = await connectHttpClient(server.url, { authorization: `Bearer ${token}` });
    expect((await client.listTools()).tools).toHaveLength(7);
    await client.close();
  });

  it.each([
    ['expired (beyond the clock tolerance)', { expiresIn: -120 }, 'Token has expired'],
    [
      'for another audience',
      { audience: 'https://other.example.com/mcp' },
      'Token was not issued for this resource',
    ],
    ['from another issuer', { issuer: 'https://evil.example.com' }, 'Token issuer is not trusted'],
    ['without exp', { expiresIn: null }, 'Token has no expiration time'],
    ['signed by a key the issuer never published', { foreignKey: true }, 'Invalid token'],
    ['issued a year in the future', { issuedIn: 365 * 86400 }, 'Token was issued in the future'],
  ] as const)('a token %s → 401 invalid_token', async (_, options, description) => {
    const token = await idp.sign(options);
    expect(await status(token)).toEqual({ status: 401, challenge: challenge(description) });
  });

  it('a token without the required scope → 403 insufficient_scope', async () => {
    const token = await idp.sign({ scope: 'billing:write other' });
    expect(await status(token)).toEqual({
      status: 403,
      challenge: `Bearer error="insufficient_scope", error_description="Insufficient scope", scope="billing:read", resource_metadata="${metadataUrl}"`,
    });
  });

  it('key rotation: a newly published key is not fetched again within the cooldown, and is accepted once it has passed', async () => {
    const rotating = await startIdp();
    const settings = { issuer: rotating.issuer, audience };
    // A cooldown the test cannot outlast, and one short enough to pass during it.
    const patient = await startHttpServer(providers, {
      authenticator: await oauthAuth(settings, fetch, undefined, {
        jwksCooldownMs: 60 * JWKS_COOLDOWN_MS,
      }),
    });
    const quick = await startHttpServer(providers, {
      authenticator: await oauthAuth(settings, fetch, undefined, { jwksCooldownMs: 100 }),
    });
    const statusOn = async (on: TestHttpServer) => {
      const token = await rotating.sign({});
      return (await postMcp(on.url, LIST, { authorization: `Bearer ${token}` })).status;
    };
    try {
      expect(await statusOn(patient)).toBe(200);
      expect(await statusOn(quick)).toBe(200);
      expect(rotating.jwksFetches).toBe(2);
      await rotating.rotate();
      // Within its cooldown an unknown kid is refused without a refetch (no fetch per token).
      expect(await statusOn(patient)).toBe(401);
      expect(rotating.jwksFetches).toBe(2);
      await vi.waitFor(async () => expect(await statusOn(quick)).toBe(200), {
        timeout: 5000,
        interval: 50,
      });
      expect(rotating.jwksFetches).toBeGreaterThanOrEqual(3);
    } finally {
      await patient.close();
      await quick.close();
      await rotating.close();
    }
  });

  it.each([
    ['a 503', { status: 503, body: 'upstream connect error' }],
    ['an HTML page with 200', { status: 200, body: '<html>maintenance</html>' }],
  ])(
    'the JWKS endpoint answering %s → a valid token gets 503 + Retry-After (not 401); served again once it recovers',
    async (_, failure) => {
      // A fresh authenticator: its key set is not cached yet.
      const authenticator = await oauthAuth({
        issuer: idp.issuer,
        audience,
        scope: 'billing:read',
      });
      const other = await startHttpServer(providers, { authenticator });
      try {
        idp.jwksFailure = failure;
        const token = await idp.sign({});
        const down = await postMcp(other.url, LIST, { authorization: `Bearer ${token}` });
        expect(down.status).toBe(503);
        expect(down.headers.get('retry-after')).toBe('5');
        expect(down.headers.get('www-authenticate')).toBeNull();
        idp.jwksFailure = null;
        const up = await postMcp(other.url, LIST, { authorization: `Bearer ${token}` });
        expect(up.status).toBe(200);
      } finally {
        idp.jwksFailure = null;
        await other.close();
      }
    },
  );

  it('discovers the key set through OpenID Connect discovery when RFC 8414 metadata is absent', async () => {
    const oidc = await startIdp({ openIdOnly: true });
    try {
      const authenticator = await oauthAuth({ issuer: oidc.issuer, audience });
      const other = await startHttpServer(providers, { authenticator });
      const response = await postMcp(other.url, LIST, {
        authorization: `Bearer ${await oidc.sign({})}`,
      });
      expect(response.status).toBe(200);
      await other.close();
    } finally {
      await oidc.close();
    }
  });

  it('an issuer that publishes no metadata (or names another issuer) is refused at start-up', async () => {
    await expect(oauthAuth({ issuer: `${idp.issuer}/nothing-here`, audience })).rejects.toThrow(
      ConfigError,
    );
    await expect(oauthAuth({ issuer: `${idp.issuer}/nothing-here`, audience })).rejects.toThrow(
      /BILLING_MCP_OAUTH_ISSUER: no authorization server metadata/,
    );
  });
});
