/**
 * Maple Billing fake server (providers/maple.md §2, §4, §6): bearer auth, company scoping, GET by id
 * or identifier, POST find with validation, keyset from_key paging, Idempotency-Key replay.
 */
import type { ProviderSettings } from '../../providers/types.js';
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../emulator.js';
import type { ProviderEmulator } from '../types.js';
import { type FindSwitches, find } from './find.js';
import { IdempotencyStore } from './idempotency.js';
import { MAPLE_COMPANY_ID, type MapleRawCustomer, seedMapleCustomers } from './seed.js';

export const MAPLE_TEST_KEY = 'maple_sandbox_tok_5fJ2kQ8vN1xR7wLp';
const PREFIX = '/api/v1';

export interface MapleEmulatorOptions {
  apiKey?: string;
  companyId?: string;
  count?: number;
  seed?: number;
}

export interface MapleEmulator extends ProviderEmulator {
  /** The live data the server answers from: tests read it as ground truth and may add rows. */
  readonly customers: MapleRawCustomer[];
  readonly switches: FindSwitches;
  readonly settings: ProviderSettings & { extras: { companyId: string } };
  /** The company the test key belongs to (also `settings.extras.companyId`). */
  readonly companyId: string;
}

export function mapleError(
  status: number,
  type: string,
  message: string,
  code?: string,
  extra = {},
): EmulatorResponse {
  const body = {
    error_message: message,
    error_type: type,
    ...(code ? { error_code: code } : {}),
    error_status: status,
  };
  return { status, json: { ...body, ...extra } };
}

/** Injectable with `emulator.inject({ respond: MAPLE_RATE_LIMITED })`. */
export const MAPLE_RATE_LIMITED = mapleError(
  429,
  'request_error',
  'Rate limit exceeded',
  'rate_limited',
);

export async function startMapleEmulator(
  options: MapleEmulatorOptions = {},
): Promise<MapleEmulator> {
  const apiKey = options.apiKey ?? MAPLE_TEST_KEY;
  const companyId = options.companyId ?? MAPLE_COMPANY_ID;
  const customers = seedMapleCustomers(options.count, options.seed);
  const switches: FindSwitches = { maxPageSize: null, fromKeyOnLastPage: false };
  const idempotency = new IdempotencyStore();
  const handle = (req: EmulatorRequest): EmulatorResponse => {
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${apiKey}`) {
      return mapleError(401, 'auth_error', 'Invalid or missing API token', 'invalid_token');
    }
    return idempotency.wrap(req, () => route(req, companyId, customers, switches));
  };
  const emulator = await Emulator.start(handle);
  return {
    emulator,
    settings: { baseUrl: `${emulator.baseUrl}${PREFIX}`, apiKey, extras: { companyId } },
    companyId,
    customers,
    switches,
    close: () => emulator.close(),
  };
}

function route(
  req: EmulatorRequest,
  companyId: string,
  customers: MapleRawCustomer[],
  switches: FindSwitches,
): EmulatorResponse {
  const segments = splitPath(req.rawPath);
  if (segments === 'malformed')
    return mapleError(400, 'request_error', 'Malformed path', 'bad_path');
  const [companies, company, resource, target, ...rest] = segments ?? [];
  if (
    companies !== 'companies' ||
    resource !== 'customers' ||
    target === undefined ||
    rest.length > 0
  ) {
    return notFoundRoute();
  }
  if (company !== companyId) {
    return mapleError(
      403,
      'auth_error',
      'Forbidden: the token has no access to this company',
      'forbidden',
    );
  }
  if (req.method === 'POST' && target === 'find') return findCustomers(req, customers, switches);
  if (req.method !== 'GET') return notFoundRoute();
  // [A] A Maple id first, then an identifier.
  const hit =
    customers.find((c) => c.id === target) ?? customers.find((c) => c.identifier === target);
  return hit
    ? { status: 200, json: hit }
    : mapleError(404, 'request_error', 'Customer not found', 'not_found');
}

function findCustomers(
  req: EmulatorRequest,
  customers: MapleRawCustomer[],
  switches: FindSwitches,
) {
  const outcome = find(customers, req.body, switches);
  if (outcome.ok) return { status: 200, json: outcome.json };
  return mapleError(
    400,
    'validation_error',
    'Request body does not contain valid information',
    undefined,
    {
      validation_errors: outcome.problems,
    },
  );
}

/** Segments after /api/v1, each percent-decoded once; null when the prefix is wrong. */
function splitPath(rawPath: string): string[] | null | 'malformed' {
  if (!rawPath.startsWith(`${PREFIX}/`)) return null;
  try {
    return rawPath
      .slice(PREFIX.length + 1)
      .split('/')
      .map(decodeURIComponent);
  } catch {
    return 'malformed';
  }
}

function notFoundRoute(): EmulatorResponse {
  return mapleError(404, 'request_error', 'Route not found', 'route_not_found');
}
