/**
 * Who may call /mcp: a static bearer token, or OAuth 2.1 access tokens (JWTs) as a resource
 * server (MCP authorization spec, RFC 9728 metadata, RFC 6750 errors). Behaviour follows the SDK's
 * Express helpers (`requireBearerAuth`, `mcpAuthMetadataRouter`): same headers, same documents.
 * The bearer token is checked here and goes no further: nothing forwards it upstream.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Principal } from '../../audit.js';
import { ConfigError } from '../../errors.js';
import { PROVIDER_IDS } from '../../providers/registry.js';
import { providerScope, providersOfScopes } from './grants.js';
import type { OAuthSettings } from './settings.js';

/** An answer instead of serving the request. */
export interface Refusal {
  status: number;
  /** For the access log. */
  code: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A request let through, and who sent it (for the audit log). */
export interface Accepted {
  principal: Principal;
  /** The providers it may use (./grants.ts); absent: every configured one. */
  grant?: readonly string[];
}

export interface Authenticator {
  check(req: IncomingMessage): Promise<Refusal | Accepted>;
  /** RFC 9728 documents to serve, by path (OAuth only). */
  metadata: Map<string, unknown>;
  /** The 403 for a call that needs providers the caller is not granted. */
  insufficientScope(needed: readonly string[]): Refusal;
}

const LOCAL: Accepted = { principal: { kind: 'local' } };
export const OPEN: Authenticator = {
  check: async () => LOCAL,
  metadata: new Map(),
  insufficientScope: (needed) => insufficientScope(needed, ''),
};
/** The one static token has no name of its own: the audit log calls its holder `token`. */
const TOKEN_HOLDER: Accepted = { principal: { kind: 'token', name: 'token' } };

/** How long verification waits for the issuer's JWKS, and how often an unknown `kid` may refetch it. */
const JWKS_TIMEOUT_MS = 5000;
export const JWKS_COOLDOWN_MS = 2000;
/** Seconds of clock skew tolerated on exp/nbf/iat. */
const CLOCK_TOLERANCE_S = 30;

export function staticTokenAuth(token: string): Authenticator {
  return digestAuth([{ digest: sha256(token), accepted: TOKEN_HOLDER }]);
}

/** A static token's SHA-256, and what its holder is accepted as. */
export type TokenHolder = { digest: Buffer; accepted: Accepted };

/**
 * Bearer tokens checked against every holder's digest, each compared in constant time and none
 * skipped: the time taken says nothing about which token, if any, came close. Digests first:
 * equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
 */
export function digestAuth(holders: readonly TokenHolder[]): Authenticator {
  return {
    metadata: new Map(),
    insufficientScope: (needed) => insufficientScope(needed, ''),
    check: async (req) => {
      const given = bearer(req);
      if (given.token === undefined) return refuseBearer(given, '');
      const digest = sha256(given.token);
      let match: Accepted | undefined;
      for (const holder of holders) {
        if (timingSafeEqual(digest, holder.digest)) match = holder.accepted;
      }
      return match ?? invalidToken('Invalid bearer token', '');
    },
  };
}

/**
 * Discovers the issuer's JWKS from its metadata at start-up (a wrong issuer fails here, not on the
 * first request), then verifies each JWT with jose: signature, iss, aud, exp/nbf, required scope.
 */
export async function oauthAuth(
  settings: OAuthSettings,
  fetchMetadata: typeof fetch = fetch,
  /** The providers this server serves: with provider scopes, the scopes it supports. */
  configured: readonly string[] = PROVIDER_IDS,
  /** How often an unknown `kid` may refetch the key set; tests that rotate keys shorten it. */
  { jwksCooldownMs = JWKS_COOLDOWN_MS }: { jwksCooldownMs?: number } = {},
): Promise<Authenticator> {
  const jwksUri = await discoverJwksUri(settings.issuer, fetchMetadata);
  const jwks = createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: jwksCooldownMs,
  });
  const metadataUrl = protectedResourceMetadataUrl(settings.audience);
  const providerScopes = settings.providerScopes ? configured.map(providerScope) : [];
  // What a client should ask for at first: the required scope and every provider's (the issuer
  // grants what the user may have; a call outside it is stepped up with a 403 below).
  const supported = [...(settings.scope ? [settings.scope] : []), ...providerScopes];
  const challenge = [
    supported.length > 0 ? `scope="${supported.join(' ')}"` : '',
    `resource_metadata="${metadataUrl}"`,
  ]
    .filter(Boolean)
    .join(', ');
  const document = {
    resource: settings.audience,
    authorization_servers: [settings.issuer],
    ...(supported.length > 0 ? { scopes_supported: supported } : {}),
    bearer_methods_supported: ['header'],
    resource_name: 'billing-customers-mcp',
  };
  const metadata = new Map<string, unknown>([
    ['/.well-known/oauth-protected-resource', document],
    [new URL(metadataUrl).pathname, document],
  ]);

  const stepUp = (needed: readonly string[]) =>
    insufficientScope(needed, `resource_metadata="${metadataUrl}"`, needed.map(providerScope));

  return {
    metadata,
    insufficientScope: stepUp,
    check: async (req) => {
      const given = bearer(req);
      if (given.token === undefined) return refuseBearer(given, challenge);
      let scopes: string[];
      let principal: Principal;
      try {
        const { payload } = await jwtVerify(given.token, jwks, {
          issuer: settings.issuer,
          audience: settings.audience,
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ['exp'],
        });
        // jose checks iat only with maxTokenAge; a token "issued" in the future was not issued
        // by a sane issuer (or was minted to outlive revocation): refused like an early nbf.
        if (
          typeof payload.iat === 'number' &&
          payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_S
        ) {
          return invalidToken('Token was issued in the future', challenge);
        }
        scopes = scopesOf(payload);
        principal = {
          kind: 'oauth',
          sub: claim(payload.sub),
          client_id: claim(payload.client_id ?? payload.azp),
        };
      } catch (error) {
        return verificationFailure(error, challenge);
      }
      if (settings.scope && !scopes.includes(settings.scope)) {
        return {
          status: 403,
          code: 'insufficient_scope',
          headers: {
            'www-authenticate': `Bearer error="insufficient_scope", error_description="Insufficient scope", ${challenge}`,
          },
          body: { error: 'insufficient_scope', error_description: 'Insufficient scope' },
        };
      }
      if (!settings.providerScopes) return { principal };
      const grant = providersOfScopes(scopes, configured);
      // A token that grants no billing system here could do nothing: stepped up at once.
      return grant.length > 0 ? { principal, grant } : stepUp(configured);
    },
  };
}

/**
 * 403 insufficient_scope (RFC 6750 §3.1, the MCP authorization spec's step-up): `scope` names
 * the scopes the call needs (with OAuth provider scopes), so a client can ask for exactly those.
 */
export function insufficientScope(
  needed: readonly string[],
  challenge: string,
  scopes: readonly string[] = [],
): Refusal {
  const description = `Not granted: ${needed.join(', ')}`;
  const parts = [
    'error="insufficient_scope"',
    `error_description="${description}"`,
    ...(scopes.length > 0 ? [`scope="${scopes.join(' ')}"`] : []),
    ...(challenge ? [challenge] : []),
  ];
  return {
    status: 403,
    code: 'insufficient_scope',
    headers: { 'www-authenticate': `Bearer ${parts.join(', ')}` },
    body: { error: 'insufficient_scope', error_description: description },
  };
}

/** `https://h/mcp` → `https://h/.well-known/oauth-protected-resource/mcp` (RFC 9728 §3.1; as the SDK's helper). */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname !== '/' ? url.pathname.replace(/\/$/, '') : '';
  return new URL(`/.well-known/oauth-protected-resource${path}`, url).href;
}

/** RFC 8414 first (path inserted after the well-known prefix), then OpenID Connect discovery. */
async function discoverJwksUri(issuer: string, fetchMetadata: typeof fetch): Promise<string> {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  const candidates = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
  const tried: string[] = [];
  for (const candidate of candidates) {
    try {
      const response = await fetchMetadata(candidate, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
      });
      if (!response.ok) {
        tried.push(`${candidate} (HTTP ${response.status})`);
        continue;
      }
      const doc = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
      // RFC 8414 §3.3: the document must name the issuer it was fetched for.
      if (doc.issuer !== issuer) {
        tried.push(`${candidate} (names issuer ${JSON.stringify(doc.issuer)})`);
        continue;
      }
      if (typeof doc.jwks_uri !== 'string') {
        tried.push(`${candidate} (no jwks_uri)`);
        continue;
      }
      return new URL(doc.jwks_uri).href;
    } catch (error) {
      tried.push(`${candidate} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  throw new ConfigError(
    `BILLING_MCP_OAUTH_ISSUER: no authorization server metadata for ${issuer}. Tried ${tried.join('; ')}. Set the issuer exactly as your identity provider names it.`,
  );
}

function bearer(
  req: IncomingMessage,
):
  | { token: string; error?: undefined }
  | { token?: undefined; error: string; status?: 400; missing?: true } {
  const header = req.headers.authorization;
  if (!header) return { error: 'Missing Authorization header', missing: true };
  // Node keeps the first of several; a proxy in front may have read another (RFC 6750 §3.1).
  if ((req.headersDistinct.authorization?.length ?? 0) > 1) {
    return { error: 'Send one Authorization header', status: 400 };
  }
  const match = /^Bearer +([^\s]+)\s*$/i.exec(header);
  if (!match?.[1]) return { error: "Invalid Authorization header format, expected 'Bearer TOKEN'" };
  return { token: match[1] };
}

/** A claim as the audit log keeps it: a short string or nothing (claims are the issuer's, not ours). */
function claim(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 256 ? value : null;
}

function scopesOf(payload: Record<string, unknown>): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp))
    return payload.scp.filter((s): s is string => typeof s === 'string');
  return [];
}

function verificationFailure(error: unknown, challenge: string): Refusal {
  if (error instanceof joseErrors.JWTExpired) return invalidToken('Token has expired', challenge);
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const what: Record<string, string> = {
      aud: 'Token was not issued for this resource',
      iss: 'Token issuer is not trusted',
      nbf: 'Token is not yet valid',
      exp: 'Token has no expiration time',
    };
    return invalidToken(what[error.claim] ?? 'Token claims are invalid', challenge);
  }
  // Not a verdict on the token but on the key set: unreachable (fetch failed, timed out), or
  // answered with something other than a key set (a 5xx, an HTML page: jose's generic JOSEError).
  if (keySetUnavailable(error)) {
    return {
      status: 503,
      code: 'auth_unavailable',
      headers: { 'retry-after': '5' },
      body: { error: 'temporarily_unavailable', error_description: 'Token keys are unavailable' },
    };
  }
  return invalidToken('Invalid token', challenge);
}

function keySetUnavailable(error: unknown): boolean {
  if (!(error instanceof joseErrors.JOSEError)) return true;
  return (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    error.code === joseErrors.JOSEError.code
  );
}

/**
 * No usable bearer token: 401 invalid_token, or 400 invalid_request for a malformed request. A
 * request with no credentials at all gets the challenge without an error code (RFC 6750 §3.1:
 * "the resource server SHOULD NOT include an error code"), still with its description.
 */
function refuseBearer(
  given: { error: string; status?: 400; missing?: true },
  challenge: string,
): Refusal {
  if (given.missing) return bearerError(401, 'unauthorized', undefined, given.error, challenge);
  if (given.status !== 400) return invalidToken(given.error, challenge);
  return bearerError(400, 'bad_request', 'invalid_request', given.error, challenge);
}

function invalidToken(description: string, challenge: string): Refusal {
  return bearerError(401, 'unauthorized', 'invalid_token', description, challenge);
}

/** An RFC 6750 error: the same error code (if any) and description in the challenge and the body. */
function bearerError(
  status: number,
  code: string,
  error: string | undefined,
  description: string,
  challenge: string,
): Refusal {
  const parts = [
    ...(error ? [`error="${error}"`] : []),
    `error_description="${description}"`,
    ...(challenge ? [challenge] : []),
  ];
  return {
    status,
    code,
    headers: { 'www-authenticate': `Bearer ${parts.join(', ')}` },
    body: error ? { error, error_description: description } : { error_description: description },
  };
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
