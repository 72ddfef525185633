/** Remote-mode settings (`--http`): defaults, flags mirroring env, and refusals that say what to set. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { tokenFromFile } from '../../src/transport/http/settings.js';
import { configError } from '../helpers/config.js';

const KEY = { QUENTLI_API_KEY: 'sk_test_settings' };
const TOKEN = { BILLING_MCP_HTTP_TOKEN: 'tok_0123456789abcdef' };

const refusal = (env: NodeJS.ProcessEnv, argv: string[] = ['--http']) => configError(env, argv);

describe('--http settings', () => {
  it('defaults: loopback, port 3000, operator keys, no auth, documented limits', () => {
    expect(loadConfig(KEY, ['--http']).http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      token: undefined,
      tokenFile: undefined,
      oauth: undefined,
      credentials: 'env',
      allowedBaseUrls: [],
      allowedHosts: [],
      allowedOrigins: [],
      maxBodyBytes: 1_048_576,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxInFlight: 256,
      shutdownGraceMs: 25_000,
    });
    expect(loadConfig(KEY, []).http).toBeUndefined();
  });

  it('flags mirror the environment and win over it', () => {
    const env = {
      ...KEY,
      ...TOKEN,
      BILLING_MCP_HTTP_HOST: '0.0.0.0',
      BILLING_MCP_HTTP_PORT: '8080',
    };
    expect(loadConfig(env, ['--http']).http).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(loadConfig(env, ['--http', '--host', '::1', '--port', '0']).http).toMatchObject({
      host: '::1',
      port: 0,
    });
  });

  it('widening lists are parsed: hosts to hostnames, origins and base URLs to origins', () => {
    const http = loadConfig(
      {
        ...TOKEN,
        BILLING_MCP_HTTP_CREDENTIALS: 'headers',
        BILLING_MCP_HTTP_ALLOWED_HOSTS: 'MCP.example.com:443, [::1]',
        BILLING_MCP_HTTP_ALLOWED_ORIGINS: 'https://app.example.com/path',
        BILLING_MCP_HTTP_ALLOWED_BASE_URLS: 'https://eu.api.flexprice.io/v1,http://127.0.0.1:9000',
      },
      ['--http'],
    ).http;
    expect(http).toMatchObject({
      credentials: 'headers',
      allowedHosts: ['mcp.example.com', '[::1]'],
      allowedOrigins: ['https://app.example.com'],
      allowedBaseUrls: ['https://eu.api.flexprice.io', 'http://127.0.0.1:9000'],
    });
  });

  it('OAuth: issuer and audience together, https (http only on loopback), one scope', () => {
    const oauth = {
      BILLING_MCP_OAUTH_ISSUER: 'https://auth.example.com/tenant',
      BILLING_MCP_OAUTH_AUDIENCE: 'https://mcp.example.com/mcp',
      BILLING_MCP_OAUTH_SCOPE: 'billing:read',
    };
    expect(loadConfig({ ...KEY, ...oauth }, ['--http', '--host', '0.0.0.0']).http?.oauth).toEqual({
      issuer: 'https://auth.example.com/tenant',
      audience: 'https://mcp.example.com/mcp',
      scope: 'billing:read',
    });
    expect(refusal({ ...KEY, BILLING_MCP_OAUTH_ISSUER: oauth.BILLING_MCP_OAUTH_ISSUER })).toBe(
      'OAuth needs both BILLING_MCP_OAUTH_ISSUER and BILLING_MCP_OAUTH_AUDIENCE.',
    );
    expect(refusal({ ...KEY, ...oauth, BILLING_MCP_OAUTH_SCOPE: 'a b' })).toMatch(/one scope name/);
    expect(
      refusal({ ...KEY, ...oauth, BILLING_MCP_OAUTH_ISSUER: 'https://auth.example.com/?x=1' }),
    ).toMatch(/BILLING_MCP_OAUTH_ISSUER must be an https URL without query or fragment/);
    expect(refusal({ ...KEY, ...oauth, ...TOKEN })).toMatch(
      /Choose one way to authenticate clients/,
    );
  });

  it.each([
    [
      { ...KEY, BILLING_MCP_HTTP_HOST: '10.0.0.5' },
      /Refusing to serve billing data on 10\.0\.0\.5 without access control/,
    ],
    [
      { ...KEY, BILLING_MCP_HTTP_PORT: '-1' },
      /BILLING_MCP_HTTP_PORT must be a whole number from 0 to 65535/,
    ],
    [
      { ...KEY, BILLING_MCP_HTTP_MAX_BODY_BYTES: '10' },
      /BILLING_MCP_HTTP_MAX_BODY_BYTES must be a whole number from 1024/,
    ],
    [
      { ...KEY, BILLING_MCP_HTTP_CREDENTIALS: 'cookies' },
      /BILLING_MCP_HTTP_CREDENTIALS must be "headers" or "env"/,
    ],
    [{ ...KEY, BILLING_MCP_HTTP_ALLOWED_HOSTS: '*' }, /"\*" needs BILLING_MCP_HTTP_TOKEN/],
    [
      { ...KEY, BILLING_MCP_HTTP_ALLOWED_BASE_URLS: 'https://x.example' },
      /only applies with BILLING_MCP_HTTP_CREDENTIALS=headers/,
    ],
    [{ ...KEY, ...TOKEN, BILLING_MCP_HTTP_TOKEN_FILE: '/run/secrets/t' }, /not both/],
    [
      { ...KEY, BILLING_MCP_HTTP_HEADERS_TIMEOUT_MS: '60000' },
      /BILLING_MCP_HTTP_HEADERS_TIMEOUT_MS \(60000\) must not exceed BILLING_MCP_HTTP_REQUEST_TIMEOUT_MS \(30000\)/,
    ],
    [{ BILLING_MCP_HTTP_CREDENTIALS: 'headers' }, null],
  ])('%o', (env, message) => {
    if (message === null) {
      // Header credentials need no provider in the environment.
      expect(loadConfig(env, ['--http']).providers).toEqual([]);
      return;
    }
    expect(refusal(env)).toMatch(message);
  });

  it('refuses --demo with header credentials', () => {
    expect(refusal({ BILLING_MCP_HTTP_CREDENTIALS: 'headers' }, ['--http', '--demo'])).toMatch(
      /--demo serves the sandbox/,
    );
  });
});

describe('a bearer token no client can send in a header is refused at start-up', () => {
  const rule =
    /must be at least 16 visible ASCII characters \(0x21-0x7E: no spaces, control or non-ASCII characters\)/;
  it.each([
    ['a euro sign', 'tok_0123456789abcdef€'],
    ['a zero-width space', 'tok_0123456789\u200babcdef'],
    ['a NUL', 'tok_0123456789\u0000abcdef'],
    ['a space inside', 'tok_01234567 89abcdef'],
  ])(
    '%s, in BILLING_MCP_HTTP_TOKEN or in the token file: the rule is named, the token is not',
    (_, token) => {
      const message = refusal({ ...KEY, BILLING_MCP_HTTP_TOKEN: token });
      expect(message).toMatch(/^BILLING_MCP_HTTP_TOKEN /);
      expect(message).toMatch(rule);
      expect(message).not.toContain(token.slice(0, 14));
      expect(() => tokenFromFile(`${token}\n`)).toThrow(rule);
    },
  );

  it('a token of visible ASCII (what openssl rand -hex 32 or -base64 32 prints) is accepted', () => {
    expect(tokenFromFile('3q2+7w==Zm9vYmFyYmF6cXV4LW1jcA==\n')).toBe(
      '3q2+7w==Zm9vYmFyYmF6cXV4LW1jcA==',
    );
    const token = 'a'.repeat(64);
    expect(loadConfig({ ...KEY, BILLING_MCP_HTTP_TOKEN: token }, ['--http']).http?.token).toBe(
      token,
    );
  });
});
