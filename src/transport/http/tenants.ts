/**
 * Header credentials (`BILLING_MCP_HTTP_CREDENTIALS=headers`): each request brings the provider
 * keys it may use, as hosted unified-API servers do. The tools a request sees are those of the
 * providers whose credentials came with it. A tenant is the fingerprint of its full provider
 * settings (key, company, base URL): its providers — and so every per-provider cache, such as
 * Maple's position cache, and the secrets redacted from its output — belong to that fingerprint
 * alone, kept in a bounded LRU so memory does not grow with the number of tenants.
 */
import type { IncomingMessage } from 'node:http';
import { normalizeBaseUrl } from '../../config.js';
import { ConfigError } from '../../errors.js';
import { fingerprint } from '../../fingerprint.js';
import type { ProviderEntry, Registry } from '../../providers/descriptor.js';
import { PROVIDERS } from '../../providers/registry.js';
import type { ProviderSettings } from '../../providers/types.js';
import { MIN_SECRET_LENGTH } from '../../redact.js';
import { type OperatorOptions, type ServerFactory, serverFactory } from '../../server.js';
import type { HttpSettings } from '../../upstream/upstream.js';
import type { Refusal } from './auth.js';
import { credentialHeaders, missingProviders } from './credential-headers.js';
import type { Route } from './serve.js';
import { isVisibleAscii } from './settings.js';

export interface Tenant {
  server: ServerFactory;
  /** The tenant's keys, for redacting its output. */
  keys: string[];
}

export interface TenantRouteOptions {
  /** Origins `X-<Provider>-Base-Url` may name; empty = those headers are refused. */
  allowedBaseUrls: readonly string[];
  http: HttpSettings;
  version: string;
  /** Tenants kept warm (providers, caches, tool definitions); the least recently used goes first. */
  maxTenants?: number;
  /** What a tenant's requests (answers and access-log line) are redacted against (its own keys among them). */
  secrets: (tenant: Tenant) => Route['secrets'];
  /** The operator's masking and audit log, the same for every tenant. */
  operator?: OperatorOptions;
  /** The providers a request may send credentials for (default: the built-in registry). */
  registry?: Registry;
}

export function tenantRoute(
  options: TenantRouteOptions,
): (req: IncomingMessage) => Route | Refusal {
  const tenants = new Map<string, { tenant: Tenant; route: Route }>();
  const max = options.maxTenants ?? 256;
  const registry = options.registry ?? PROVIDERS;

  return (req) => {
    let configured: { entry: ProviderEntry; settings: ProviderSettings }[];
    try {
      configured = fromHeaders(req, options.allowedBaseUrls, registry);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return {
        status: 400,
        code: 'bad_credentials_header',
        headers: {},
        body: { jsonrpc: '2.0', error: { code: -32000, message: error.message }, id: null },
      };
    }
    const key = fingerprint(configured.map(({ entry, settings }) => [entry.id, settings]));
    let known = tenants.get(key);
    if (known) {
      tenants.delete(key);
    } else {
      const providers = configured.map(({ entry, settings }) =>
        entry.create(settings, options.http),
      );
      const tenant: Tenant = {
        // The tool list depends on the caller's headers: no shared cache may reuse it.
        server: serverFactory({
          providers,
          version: options.version,
          cacheScope: 'private',
          missing: missingProviders(
            configured.map(({ entry }) => entry),
            registry,
          ),
          ...options.operator,
        }),
        keys: configured.map(({ settings }) => settings.apiKey),
      };
      const principal = { kind: 'tenant' as const, fingerprint: key };
      known = {
        tenant,
        route: { server: tenant.server, secrets: options.secrets(tenant), principal },
      };
      while (tenants.size >= max) tenants.delete(tenants.keys().next().value as string);
    }
    tenants.set(key, known);
    return known.route;
  };
}

/**
 * Bounds on credential headers, checked before anything is built from them. Keys: 6 to 512
 * visible ASCII characters (0x21-0x7E). Every provider's real keys fit with room to spare —
 * Flexprice `sk_` + a 26-character ULID, Quentli `sk_…`, Maple an opaque bearer token (tokens
 * that travel in an Authorization header are visible ASCII by RFC 6750's b64token, and JWT-sized
 * ones stay well under 512) — and 6 is the shortest a key can be and still be redacted. A space,
 * TAB, non-ASCII byte or a 2,000-character key is nobody's real key. An extra setting (Maple's
 * company id): 1 to its descriptor's maxLength. A base URL: up to 2,048.
 */
export const HEADER_BOUNDS = {
  key: { min: MIN_SECRET_LENGTH, max: 512 },
  baseUrl: { min: 1, max: 2048 },
} as const;

function fromHeaders(req: IncomingMessage, allowedBaseUrls: readonly string[], registry: Registry) {
  const configured: { entry: ProviderEntry; settings: ProviderSettings }[] = [];
  // Every credential header is bounded first: nothing below runs on an out-of-bounds value.
  const read = registry.map((entry) => ({
    entry,
    apiKey: header(req, entry.keyHeader, HEADER_BOUNDS.key),
    baseUrl: header(req, entry.baseUrlHeader, HEADER_BOUNDS.baseUrl),
    extras: entry.extraSettings.map((setting) => ({
      setting,
      value: header(req, setting.header, { min: 1, max: setting.maxLength }),
    })),
  }));
  for (const { entry, apiKey, baseUrl, extras } of read) {
    if (apiKey === undefined) {
      const stray =
        baseUrl !== undefined
          ? entry.baseUrlHeader
          : extras.find(({ value }) => value !== undefined)?.setting.header;
      if (stray !== undefined) {
        throw new ConfigError(`${stray} needs ${entry.keyHeader} beside it.`);
      }
      continue;
    }
    const absent = extras.find(({ value }) => value === undefined);
    if (absent) {
      throw new ConfigError(`${entry.keyHeader} needs ${absent.setting.header} beside it.`);
    }
    const settings: ProviderSettings = {
      baseUrl: baseUrlFor(entry, baseUrl, allowedBaseUrls),
      apiKey,
      // A tenant's keys are headers: an unauthorized error names those, not the env variables.
      credentialHint: credentialHeaders(entry),
    };
    if (extras.length > 0) {
      settings.extras = Object.fromEntries(
        extras.map(({ setting, value }) => [setting.key, value as string]),
      );
    }
    configured.push({ entry, settings });
  }
  return configured;
}

/** The provider's default unless the header names an allowed origin: the server is never aimed elsewhere. */
function baseUrlFor(
  entry: ProviderEntry,
  raw: string | undefined,
  allowed: readonly string[],
): string {
  const name = entry.baseUrlHeader;
  if (raw === undefined) return normalizeBaseUrl(undefined, entry);
  const normalized = normalizeBaseUrl(raw, { ...entry, baseUrlEnv: name });
  if (!allowed.includes(new URL(normalized).origin)) {
    throw new ConfigError(
      `${name} names an origin this server does not allow (its operator lists allowed ones in BILLING_MCP_HTTP_ALLOWED_BASE_URLS).`,
    );
  }
  return normalized;
}

function header(
  req: IncomingMessage,
  name: string,
  bounds: { min: number; max: number },
): string | undefined {
  const values = req.headersDistinct[name] ?? [];
  // Node would join two into "a, b" and send that upstream as the key.
  if (values.length > 1) throw new ConfigError(`${name} was sent more than once.`);
  const text = values[0]?.trim();
  if (text === undefined || text === '') return undefined;
  // The message names the rule, never the value (it may be a key).
  if (text.length < bounds.min || text.length > bounds.max || !isVisibleAscii(text)) {
    throw new ConfigError(
      `${name} must be ${bounds.min} to ${bounds.max} visible ASCII characters (no spaces, no control or non-ASCII characters).`,
    );
  }
  return text;
}
