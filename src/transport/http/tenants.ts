/**
 * Header credentials (`BILLING_MCP_HTTP_CREDENTIALS=headers`): each request brings the provider
 * keys it may use, as hosted unified-API servers do. The tools a request sees are those of the
 * providers whose credentials came with it. A tenant is the fingerprint of its full provider
 * settings (key, company, base URL): its providers — and so every per-provider cache, such as
 * Maple's position cache, and the secrets redacted from its output — belong to that fingerprint
 * alone, kept in a bounded LRU so memory does not grow with the number of tenants.
 */
import type { IncomingMessage } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { normalizeBaseUrl } from '../../config.js';
import { ConfigError } from '../../errors.js';
import { fingerprint } from '../../fingerprint.js';
import { PROVIDERS, type ProviderEntry } from '../../providers/registry.js';
import type { ProviderSettings } from '../../providers/types.js';
import { serverFactory } from '../../server.js';
import type { HttpSettings } from '../../upstream/upstream.js';
import type { Route } from '../http.js';
import type { Refusal } from './auth.js';

import {
  baseUrlHeader,
  credentialHeaders,
  keyHeader,
  MAPLE_COMPANY_HEADER,
  missingProviders,
} from './credential-headers.js';

export { baseUrlHeader, keyHeader, MAPLE_COMPANY_HEADER };

export interface Tenant {
  server: () => Server;
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
  /** Adds redaction of the tenant's keys to a request's transport. */
  wrap?: (tenant: Tenant) => Route['wrap'];
}

export function tenantRoute(
  options: TenantRouteOptions,
): (req: IncomingMessage) => Route | Refusal {
  const tenants = new Map<string, { tenant: Tenant; route: Route }>();
  const max = options.maxTenants ?? 256;

  return (req) => {
    let configured: { entry: ProviderEntry; settings: ProviderSettings }[];
    try {
      configured = fromHeaders(req, options.allowedBaseUrls);
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
        server: serverFactory({
          providers,
          version: options.version,
          missing: missingProviders(configured.map(({ entry }) => entry)),
        }),
        keys: configured.map(({ settings }) => settings.apiKey),
      };
      known = { tenant, route: { server: tenant.server, wrap: options.wrap?.(tenant) } };
      while (tenants.size >= max) tenants.delete(tenants.keys().next().value as string);
    }
    tenants.set(key, known);
    return known.route;
  };
}

function fromHeaders(req: IncomingMessage, allowedBaseUrls: readonly string[]) {
  const configured: { entry: ProviderEntry; settings: ProviderSettings }[] = [];
  for (const entry of PROVIDERS) {
    const apiKey = header(req, keyHeader(entry));
    const baseUrl = header(req, baseUrlHeader(entry));
    const companyId = entry.id === 'maple' ? header(req, MAPLE_COMPANY_HEADER) : undefined;
    if (apiKey === undefined) {
      if (baseUrl !== undefined || companyId !== undefined) {
        throw new ConfigError(
          `${baseUrl !== undefined ? baseUrlHeader(entry) : MAPLE_COMPANY_HEADER} needs ${keyHeader(entry)} beside it.`,
        );
      }
      continue;
    }
    if (entry.id === 'maple' && companyId === undefined) {
      throw new ConfigError(`${keyHeader(entry)} needs ${MAPLE_COMPANY_HEADER} beside it.`);
    }
    const settings: ProviderSettings = {
      baseUrl: baseUrlFor(entry, baseUrl, allowedBaseUrls),
      apiKey,
      // A tenant's keys are headers: an unauthorized error names those, not the env variables.
      credentialHint: credentialHeaders(entry),
    };
    if (companyId !== undefined) settings.companyId = companyId;
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
  const name = baseUrlHeader(entry);
  if (raw === undefined) return normalizeBaseUrl(undefined, entry);
  const normalized = normalizeBaseUrl(raw, { ...entry, baseUrlEnv: name });
  if (!allowed.includes(new URL(normalized).origin)) {
    throw new ConfigError(
      `${name} names an origin this server does not allow (its operator lists allowed ones in BILLING_MCP_HTTP_ALLOWED_BASE_URLS).`,
    );
  }
  return normalized;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const values = req.headersDistinct[name] ?? [];
  // Node would join two into "a, b" and send that upstream as the key.
  if (values.length > 1) throw new ConfigError(`${name} was sent more than once.`);
  const text = values[0];
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}
