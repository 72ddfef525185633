/**
 * Faithful fake of Quentli's customer API (providers/quentli.md §12): bearer keys mapped to
 * organizations, org scoping, list validation with ValidationError bodies, the qs filter grammar,
 * ordering with an id tie-break, get by id as `200 null` (or 404 by switch).
 */
import type { ProviderSettings } from '../../providers/types.js';
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../emulator.js';
import type { ProviderEmulator } from '../types.js';
import { decodeListQuery, listCustomers } from './list.js';
import {
  OTHER_ORGANIZATION,
  type QuentliRawCustomer,
  SEED_ORGANIZATION,
  type SeedRecord,
  seedQuentli,
} from './seed.js';

export type { QuentliRawCustomer, SeedRecord };
export { decodeListQuery };

export const QUENTLI_TEST_KEY = 'sk_test_quentli_sandbox_4f9c21';
export const QUENTLI_OTHER_ORG_KEY = 'sk_test_quentli_other_org_7a1e';
export const QUENTLI_FORBIDDEN_KEY = 'sk_test_quentli_no_permission_3b';

export interface QuentliSwitches {
  /** §5.2: how a missing customer is answered: `200 null` (default) or `404 Customer not found`. */
  missingCustomer: 'null' | '404';
  /** §12: 400 for top-level `filter[...]`/`orderBy[...]` keys instead of silently ignoring them. */
  rejectBracketParams: boolean;
}

export interface QuentliEmulator extends ProviderEmulator {
  /** Every seeded customer of every organization, with hidden facts (payment count). Mutable. */
  readonly records: SeedRecord[];
  /** Token → organization id. Mutable. */
  readonly tokens: Map<string, string>;
  readonly switches: QuentliSwitches;
  /** Ids the get route received, decoded: proof that an id arrived intact on the right route. */
  readonly lookups: string[];
  /** Ground truth: the customers the test key sees, in the default order (createdAt, id). */
  visible(): QuentliRawCustomer[];
}

/** [A] §11: the fake's 429, for `emulator.inject({ respond: quentliRateLimited(2) })`. */
export const quentliRateLimited = (retryAfterSeconds: number): EmulatorResponse => ({
  status: 429,
  json: { error: { message: 'Too many requests' } },
  headers: { 'retry-after': String(retryAfterSeconds) },
});

const json = (status: number, body: unknown): EmulatorResponse => ({ status, json: body });
const userError = (status: number, message: string): EmulatorResponse =>
  json(status, { error: { message } });

export async function startQuentliEmulator(
  options: { seed?: number } = {},
): Promise<QuentliEmulator> {
  const records = seedQuentli(options.seed);
  const tokens = new Map([
    [QUENTLI_TEST_KEY, SEED_ORGANIZATION],
    [QUENTLI_OTHER_ORG_KEY, OTHER_ORGANIZATION],
  ]);
  const forbidden = new Set([QUENTLI_FORBIDDEN_KEY]);
  const switches: QuentliSwitches = { missingCustomer: 'null', rejectBracketParams: true };
  const lookups: string[] = [];
  const ofOrg = (org: string) => records.filter((r) => r.raw.organizationId === org);

  const handler = (request: EmulatorRequest): EmulatorResponse => {
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (token !== undefined && forbidden.has(token)) return userError(403, 'Permission denied');
    const org = token === undefined ? undefined : tokens.get(token);
    if (org === undefined) return userError(401, 'You are not authenticated');
    if (request.method !== 'GET') return userError(404, 'Not found');
    if (request.rawPath === '/v1/customers') {
      const result = listCustomers(request.rawQuery, ofOrg(org), switches);
      if ('issues' in result)
        return json(400, { error: { message: 'Invalid query parameters', issues: result.issues } });
      return json(
        200,
        result.rows.map((r) => r.raw),
      );
    }
    const match = /^\/v1\/customers\/([^/]+)$/.exec(request.rawPath);
    const id = match?.[1] === undefined ? undefined : decodeSegment(match[1]);
    if (id === undefined) return userError(404, 'Not found');
    lookups.push(id);
    const found = ofOrg(org).find((r) => r.raw.id === id);
    if (found) return json(200, found.raw);
    return switches.missingCustomer === '404'
      ? userError(404, 'Customer not found')
      : json(200, null);
  };

  const emulator = await Emulator.start(handler);
  const settings: ProviderSettings = {
    baseUrl: `${emulator.baseUrl}/v1`,
    apiKey: QUENTLI_TEST_KEY,
  };
  return {
    emulator,
    settings,
    records,
    tokens,
    switches,
    lookups,
    visible: () => sortDefault(ofOrg(SEED_ORGANIZATION)).map((r) => r.raw),
    close: () => emulator.close(),
  };
}

/** Written apart from list.ts's comparator on purpose: tests compare the fake against it. */
function sortDefault(list: SeedRecord[]): SeedRecord[] {
  const key = (r: SeedRecord) => `${r.raw.createdAt} ${r.raw.id}`;
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
