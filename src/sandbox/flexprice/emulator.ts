/**
 * A faithful Flexprice customers API on loopback (providers/flexprice.md §11): x-api-key auth
 * scoped to a tenant and environment, the read routes, gin's routing quirks, both error shapes.
 */
import { randomUUID } from 'node:crypto';
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../emulator.js';
import type { ProviderEmulator } from '../types.js';
import { routeNotFound, unauthorized } from './errors.js';
import { type FlexpriceSwitches, renderCustomer, type StoredCustomer } from './records.js';
import { getByExternalId, getById, listFromQuery, type RouteContext, search } from './routes.js';
import { type Scope, seedCustomers } from './seed.js';

export const FLEXPRICE_TEST_KEY = 'sk_emulator_flexprice_main_env';
export const FLEXPRICE_OTHER_ENV_KEY = 'sk_emulator_flexprice_other_env';
const TENANT = 'tenant_01K8D9YV1F5H8J2K4L6M8N0P2Q';
const MAIN: Scope = { tenantId: TENANT, environmentId: 'env_01K8D9ZQ4S9X3M5C0W2B7N1T6R' };
const OTHER: Scope = { tenantId: TENANT, environmentId: 'env_01K8DA3B7C9D2E4F6G8H0J1K2M' };

export interface FlexpriceEmulatorOptions {
  /** Customers in the test key's environment (default 250). */
  count?: number;
  seed?: number;
  /** The key of the main environment (default FLEXPRICE_TEST_KEY). */
  apiKey?: string;
}

export interface FlexpriceEmulator extends ProviderEmulator {
  /** Ground truth: every customer of the test key's environment, any status, as stored. */
  readonly customers: readonly StoredCustomer[];
  /** Customers of another environment of the same tenant: invisible to the test key. */
  readonly otherCustomers: readonly StoredCustomer[];
  /** Mutable: which build and error shape to emulate. */
  readonly switches: FlexpriceSwitches;
  /** The API's JSON for a stored customer under the current switches. */
  render(customer: StoredCustomer, expand?: boolean): Record<string, unknown>;
}

/** The decoded path gin routes on; undefined when the escapes are malformed (Go answers 400). */
function decodedPath(rawPath: string): string | undefined {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
}

function route(request: EmulatorRequest, path: string, ctx: () => RouteContext | EmulatorResponse) {
  const query = new URLSearchParams(request.rawQuery);
  const parts = path.split('/').slice(1);
  if (parts[0] !== 'v1' || parts[1] !== 'customers' || parts.some((p) => p === ''))
    return undefined;
  const [, , first, second, ...rest] = parts;
  const get = request.method === 'GET';
  const run = (handler: (c: RouteContext) => EmulatorResponse) => () => {
    const c = ctx();
    return 'rows' in c ? handler(c) : c;
  };
  if (first === undefined) return get ? run((c) => listFromQuery(c, query)) : undefined;
  if (rest.length > 0) return undefined;
  if (second === undefined) {
    if (first === 'search' && request.method === 'POST') {
      return run((c) => search(c, request.rawBody, request.body));
    }
    return get ? run((c) => getById(c, first, query)) : undefined;
  }
  if (get && (first === 'external' || first === 'lookup')) {
    return run((c) => getByExternalId(c, second, query));
  }
  return undefined;
}

export async function startFlexpriceEmulator(
  options: FlexpriceEmulatorOptions = {},
): Promise<FlexpriceEmulator> {
  const seed = options.seed ?? 20251025;
  const customers = seedCustomers(options.count ?? 250, MAIN, seed);
  const otherCustomers = seedCustomers(12, OTHER, seed + 1, 'o');
  const rows = [...customers, ...otherCustomers];
  const switches: FlexpriceSwitches = { legacyErrors: false, olderBuild: false };
  const apiKey = options.apiKey ?? FLEXPRICE_TEST_KEY;
  const keys = new Map([
    [apiKey, MAIN],
    [FLEXPRICE_OTHER_ENV_KEY, OTHER],
  ]);

  /** The key middleware (§2): API key first, then a Bearer JWT, which the emulator never issues. */
  const authenticate = (request: EmulatorRequest): RouteContext | EmulatorResponse => {
    const key = request.headers['x-api-key'];
    const scope = typeof key === 'string' ? keys.get(key) : undefined;
    if (scope) return { rows, scope, switches };
    const authorization = request.headers.authorization;
    if (!authorization) return unauthorized();
    if (!authorization.startsWith('Bearer '))
      return unauthorized('Invalid authorization header format');
    return unauthorized('Invalid token');
  };

  const handle = (request: EmulatorRequest): EmulatorResponse => {
    const path = decodedPath(request.rawPath);
    if (path === undefined) return { status: 400, text: '400 Bad Request' };
    if (path === '/health' && request.method === 'GET')
      return { status: 200, json: { status: 'ok' } };
    if (path.length > 1 && path.endsWith('/')) {
      // gin's RedirectTrailingSlash: 301 for GET, 307 otherwise.
      const status = request.method === 'GET' ? 301 : 307;
      return { status, text: '', headers: { location: request.rawPath.replace(/\/+$/, '') } };
    }
    // Unknown routes answer before any middleware runs: no key needed for a 404.
    return route(request, path, () => authenticate(request))?.() ?? routeNotFound;
  };

  const emulator = await Emulator.start((request) => {
    const response = handle(request);
    const requestId = request.headers['x-request-id'];
    const id = typeof requestId === 'string' ? requestId : randomUUID();
    return { ...response, headers: { ...response.headers, 'x-request-id': id } };
  });
  return {
    emulator,
    settings: { baseUrl: `${emulator.baseUrl}/v1`, apiKey },
    customers,
    otherCustomers,
    switches,
    render: (customer, expand = false) => renderCustomer(customer, switches, expand),
    close: () => emulator.close(),
  };
}
