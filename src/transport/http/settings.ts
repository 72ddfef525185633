/** Remote-mode settings (`--http`): pure parsing of env and flags, with errors that say what to set. */
import { isIP } from 'node:net';
import { ConfigError } from '../../errors.js';

export interface OAuthSettings {
  /** The authorization server's issuer identifier, exactly as its metadata and tokens carry it. */
  issuer: string;
  /** This resource's URL (RFC 8707): tokens must name it in `aud`. */
  audience: string;
  /** A scope every token must carry, if set. */
  scope?: string;
  /** BILLING_MCP_OAUTH_PROVIDER_SCOPES: `billing.<provider>.read` grants that provider (./grants.ts). */
  providerScopes?: boolean;
}

export interface HttpServeSettings {
  host: string;
  /** 0 = any free port (the start-up line names the one taken). */
  port: number;
  /** A static bearer token, given directly… */
  token?: string;
  /** …or as a file to read at start-up (a mounted secret). */
  tokenFile?: string;
  /** Named tokens, each granting some providers (./named-tokens.ts), read at start-up. */
  tokensFile?: string;
  oauth?: OAuthSettings;
  /** `env`: the operator's keys (default); `headers`: each request brings its own (multi-tenant). */
  credentials: 'env' | 'headers';
  /** Origins a request may aim a provider at with a base-URL header (headers mode only). */
  allowedBaseUrls: string[];
  /** Host header names accepted (lower case, IPv6 in brackets); `*` = any (auth required). */
  allowedHosts: string[];
  /** Origin header values accepted besides loopback origins; `*` = any (auth required). */
  allowedOrigins: string[];
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Tool calls served at once; beyond it a request gets 503 + Retry-After. */
  maxInFlight: number;
  /** After SIGTERM/SIGINT, how long in-flight requests may take before the process exits anyway. */
  shutdownGraceMs: number;
}

export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

export const HTTP_USAGE = `Remote mode (--http): Streamable HTTP at POST /mcp, stateless
  BILLING_MCP_HTTP_HOST (default 127.0.0.1; --host), BILLING_MCP_HTTP_PORT (default 3000, 0 = any free; --port)
  Access (required off the loopback, one of):
    BILLING_MCP_HTTP_TOKEN or BILLING_MCP_HTTP_TOKEN_FILE   a static bearer token
    BILLING_MCP_HTTP_TOKENS_FILE   named tokens (SHA-256 digests), each granting some providers
    BILLING_MCP_OAUTH_ISSUER + BILLING_MCP_OAUTH_AUDIENCE [+ BILLING_MCP_OAUTH_SCOPE]   OAuth 2.1 JWTs
      BILLING_MCP_OAUTH_PROVIDER_SCOPES=1   scope billing.<provider>.read grants that provider
    BILLING_MCP_HTTP_CREDENTIALS=headers   each request brings provider keys as X-<Provider>-Api-Key
  BILLING_MCP_HTTP_ALLOWED_HOSTS, BILLING_MCP_HTTP_ALLOWED_ORIGINS (comma-separated; loopback always)
  BILLING_MCP_HTTP_ALLOWED_BASE_URLS (headers mode: origins X-<Provider>-Base-Url may name)
  Limits: BILLING_MCP_HTTP_MAX_BODY_BYTES (1048576), BILLING_MCP_HTTP_MAX_IN_FLIGHT (256),
    BILLING_MCP_HTTP_HEADERS_TIMEOUT_MS (10000), BILLING_MCP_HTTP_REQUEST_TIMEOUT_MS (30000),
    BILLING_MCP_HTTP_KEEP_ALIVE_TIMEOUT_MS (5000), BILLING_MCP_HTTP_SHUTDOWN_GRACE_MS (25000)
`;

type Env = NodeJS.ProcessEnv;
type IntReader = (env: Env, name: string, fallback: number, min: number, max: number) => number;

/**
 * `flags` mirror the env (a flag wins); keys and tokens are never flags. `readInt` and `isSet` are
 * config.ts's, so every variable follows the same blank/placeholder rules.
 */
export function parseHttpSettings(
  env: Env,
  flags: { host?: string; port?: string },
  readInt: IntReader,
  isSet: (value: string | undefined) => value is string,
): HttpServeSettings {
  const host = (
    flags.host ?? (isSet(env.BILLING_MCP_HTTP_HOST) ? env.BILLING_MCP_HTTP_HOST : '127.0.0.1')
  ).trim();
  if (host === '' || /[\s/]/.test(host)) {
    throw new ConfigError(
      `BILLING_MCP_HTTP_HOST must be a host name or IP address (got ${JSON.stringify(host)})`,
    );
  }
  const port =
    flags.port !== undefined
      ? readInt({ BILLING_MCP_HTTP_PORT: flags.port }, 'BILLING_MCP_HTTP_PORT', 3000, 0, 65535)
      : readInt(env, 'BILLING_MCP_HTTP_PORT', 3000, 0, 65535);

  const token = isSet(env.BILLING_MCP_HTTP_TOKEN) ? env.BILLING_MCP_HTTP_TOKEN.trim() : undefined;
  const tokenFile = isSet(env.BILLING_MCP_HTTP_TOKEN_FILE)
    ? env.BILLING_MCP_HTTP_TOKEN_FILE.trim()
    : undefined;
  if (token && tokenFile) {
    throw new ConfigError('Set BILLING_MCP_HTTP_TOKEN or BILLING_MCP_HTTP_TOKEN_FILE, not both.');
  }
  if (token !== undefined) checkToken(token, 'BILLING_MCP_HTTP_TOKEN');
  const tokensFile = isSet(env.BILLING_MCP_HTTP_TOKENS_FILE)
    ? env.BILLING_MCP_HTTP_TOKENS_FILE.trim()
    : undefined;
  const oauth = parseOAuth(env, isSet);
  if (oauth && (token || tokenFile || tokensFile)) {
    throw new ConfigError(
      'Choose one way to authenticate clients: BILLING_MCP_HTTP_TOKEN(_FILE) / BILLING_MCP_HTTP_TOKENS_FILE or BILLING_MCP_OAUTH_*, not both.',
    );
  }

  const mode = isSet(env.BILLING_MCP_HTTP_CREDENTIALS)
    ? env.BILLING_MCP_HTTP_CREDENTIALS.trim()
    : 'env';
  if (mode !== 'env' && mode !== 'headers') {
    throw new ConfigError(
      `BILLING_MCP_HTTP_CREDENTIALS must be "headers" or "env" (got ${JSON.stringify(mode)})`,
    );
  }
  // Grants choose among the operator's providers; a tenant brings its own keys, so they are moot.
  if (mode === 'headers' && (tokensFile || oauth?.providerScopes)) {
    throw new ConfigError(
      `${tokensFile ? 'BILLING_MCP_HTTP_TOKENS_FILE' : 'BILLING_MCP_OAUTH_PROVIDER_SCOPES'} grants the operator's providers; with BILLING_MCP_HTTP_CREDENTIALS=headers each request brings its own keys. Use one or the other.`,
    );
  }
  const authenticated = Boolean(token || tokenFile || tokensFile || oauth);
  if (!isLoopbackHost(host) && !authenticated && mode !== 'headers') {
    throw new ConfigError(
      `Refusing to serve billing data on ${host} without access control. Set BILLING_MCP_HTTP_TOKEN (or BILLING_MCP_HTTP_TOKEN_FILE), or BILLING_MCP_OAUTH_ISSUER + BILLING_MCP_OAUTH_AUDIENCE, or BILLING_MCP_HTTP_CREDENTIALS=headers; or bind 127.0.0.1.`,
    );
  }

  const allowedHosts = list(env.BILLING_MCP_HTTP_ALLOWED_HOSTS, isSet).map(normalizeHostName);
  const allowedOrigins = list(env.BILLING_MCP_HTTP_ALLOWED_ORIGINS, isSet).map((o) =>
    o === '*' ? o : originOf(o, 'BILLING_MCP_HTTP_ALLOWED_ORIGINS'),
  );
  if ((allowedHosts.includes('*') || allowedOrigins.includes('*')) && !authenticated) {
    throw new ConfigError(
      'BILLING_MCP_HTTP_ALLOWED_HOSTS/ORIGINS "*" needs BILLING_MCP_HTTP_TOKEN(_FILE) or BILLING_MCP_OAUTH_*: without it any web page could reach the server.',
    );
  }
  const allowedBaseUrls = list(env.BILLING_MCP_HTTP_ALLOWED_BASE_URLS, isSet).map((u) =>
    originOf(u, 'BILLING_MCP_HTTP_ALLOWED_BASE_URLS'),
  );
  if (allowedBaseUrls.length > 0 && mode !== 'headers') {
    throw new ConfigError(
      'BILLING_MCP_HTTP_ALLOWED_BASE_URLS only applies with BILLING_MCP_HTTP_CREDENTIALS=headers.',
    );
  }

  const headersTimeoutMs = readInt(
    env,
    'BILLING_MCP_HTTP_HEADERS_TIMEOUT_MS',
    10_000,
    1000,
    600_000,
  );
  const requestTimeoutMs = readInt(
    env,
    'BILLING_MCP_HTTP_REQUEST_TIMEOUT_MS',
    30_000,
    1000,
    600_000,
  );
  // node:http refuses the pair otherwise, with a RangeError that names neither variable.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `BILLING_MCP_HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed BILLING_MCP_HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}): the headers are part of the request.`,
    );
  }

  return {
    host,
    port,
    token,
    tokenFile,
    tokensFile,
    oauth,
    credentials: mode,
    allowedBaseUrls,
    allowedHosts,
    allowedOrigins,
    maxBodyBytes: readInt(
      env,
      'BILLING_MCP_HTTP_MAX_BODY_BYTES',
      1024 * 1024,
      1024,
      64 * 1024 * 1024,
    ),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: readInt(env, 'BILLING_MCP_HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 1000, 600_000),
    maxInFlight: readInt(env, 'BILLING_MCP_HTTP_MAX_IN_FLIGHT', 256, 1, 100_000),
    shutdownGraceMs: readInt(env, 'BILLING_MCP_HTTP_SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
  };
}

function parseOAuth(
  env: Env,
  isSet: (v: string | undefined) => v is string,
): OAuthSettings | undefined {
  const issuer = isSet(env.BILLING_MCP_OAUTH_ISSUER)
    ? env.BILLING_MCP_OAUTH_ISSUER.trim()
    : undefined;
  const audience = isSet(env.BILLING_MCP_OAUTH_AUDIENCE)
    ? env.BILLING_MCP_OAUTH_AUDIENCE.trim()
    : undefined;
  const scope = isSet(env.BILLING_MCP_OAUTH_SCOPE) ? env.BILLING_MCP_OAUTH_SCOPE.trim() : undefined;
  const providerScopes = flag(env, 'BILLING_MCP_OAUTH_PROVIDER_SCOPES', isSet);
  if (!issuer && !audience) {
    if (scope)
      throw new ConfigError('BILLING_MCP_OAUTH_SCOPE is set but BILLING_MCP_OAUTH_ISSUER is not.');
    if (providerScopes)
      throw new ConfigError(
        'BILLING_MCP_OAUTH_PROVIDER_SCOPES is set but BILLING_MCP_OAUTH_ISSUER is not: provider scopes come with OAuth tokens.',
      );
    return undefined;
  }
  if (!issuer || !audience) {
    throw new ConfigError(
      'OAuth needs both BILLING_MCP_OAUTH_ISSUER and BILLING_MCP_OAUTH_AUDIENCE.',
    );
  }
  secureUrl(issuer, 'BILLING_MCP_OAUTH_ISSUER', 'like https://auth.example.com');
  secureUrl(
    audience,
    'BILLING_MCP_OAUTH_AUDIENCE',
    "this server's URL, like https://billing-mcp.example.com/mcp",
  );
  if (scope !== undefined && /\s/.test(scope)) {
    throw new ConfigError('BILLING_MCP_OAUTH_SCOPE is one scope name, without spaces.');
  }
  return { issuer, audience, scope, ...(providerScopes ? { providerScopes } : {}) };
}

/** A yes/no variable: `1`/`true` or `0`/`false` (any case); anything else is refused. */
function flag(env: Env, name: string, isSet: (v: string | undefined) => v is string): boolean {
  const raw = env[name];
  if (!isSet(raw)) return false;
  const value = raw.trim().toLowerCase();
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0 (got ${JSON.stringify(raw.trim())}).`);
}

/** https, or http on a loopback host (local test issuers); no query or fragment (RFC 8414 §2). */
function secureUrl(value: string, name: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: expected ${example}`);
  }
  const local = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if ((url.protocol !== 'https:' && !local) || url.search || url.hash || url.username) {
    throw new ConfigError(
      `${name} must be an https URL without query or fragment: expected ${example}`,
    );
  }
  return url;
}

function checkToken(token: string, name: string): void {
  // A short token is guessable over a network; 16 characters is the floor, 32+ random is advised.
  // Only visible ASCII can travel in an Authorization header as sent by every client (RFC 9110
  // field values, RFC 6750 b64token): a token with a '€', a zero-width space or a NUL would lock
  // every client out with 401, so it is refused here, by rule, without echoing it.
  if (token.length < 16 || !isVisibleAscii(token)) {
    throw new ConfigError(
      `${name} must be at least 16 visible ASCII characters (0x21-0x7E: no spaces, control or non-ASCII characters), e.g. openssl rand -hex 32.`,
    );
  }
}

/** Every character in 0x21-0x7E (what an HTTP header carries as sent): a loop, linear in the text. */
export function isVisibleAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** The token file's content, checked like the variable (read by the bin: loadConfig does no I/O). */
export function tokenFromFile(content: string): string {
  const token = content.trim();
  checkToken(token, 'The file named by BILLING_MCP_HTTP_TOKEN_FILE');
  return token;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

function list(raw: string | undefined, isSet: (v: string | undefined) => v is string): string[] {
  if (!isSet(raw)) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `Example.com:443` → `example.com`; IPv6 keeps its brackets, as URL.hostname writes it. */
function normalizeHostName(value: string): string {
  if (value === '*') return value;
  try {
    return new URL(`http://${value}`).hostname;
  } catch {
    throw new ConfigError(
      `BILLING_MCP_HTTP_ALLOWED_HOSTS: ${JSON.stringify(value)} is not a host name`,
    );
  }
}

function originOf(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `${name}: ${JSON.stringify(value)} is not a URL (expected https://host[:port])`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${name}: ${JSON.stringify(value)} must be an http(s) origin`);
  }
  return url.origin;
}
