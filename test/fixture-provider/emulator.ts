/**
 * The fixture provider's API, "Tally Books", on loopback: token auth, every path scoped by a
 * workspace, offset paging, an email and an external_ref filter, and `{message}` error bodies.
 * A wrong token is answered with a message that echoes it, as some real APIs do, so the test can
 * show the key never leaves the server.
 */
import {
  Emulator,
  type EmulatorRequest,
  type EmulatorResponse,
} from '../../src/sandbox/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';

export const TALLY_KEY = 'tally_live_FIXTUREkey_8c2e41b7d9';
export const TALLY_WORKSPACE = 'ws_fixture_01';
export const TALLY_PREFIX = '/api/v2';

export interface TallyRow {
  id: string;
  external_ref: string;
  full_name: string;
  email: string;
  created: string;
}

export interface TallyEmulator extends ProviderEmulator {
  readonly rows: readonly TallyRow[];
}

const ROWS: TallyRow[] = Array.from({ length: 12 }, (_, i) => ({
  id: `tc_${String(i + 1).padStart(3, '0')}`,
  external_ref: `ext-${i + 1}`,
  full_name: `Tally Person ${i + 1}`,
  email: `person${i + 1}@tally.test`,
  created: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
}));

const message = (status: number, text: string): EmulatorResponse => ({
  status,
  json: { message: text },
});

function handle(req: EmulatorRequest, key: string): EmulatorResponse {
  const sent = String(req.headers.authorization ?? '');
  if (sent !== `Token ${key}`) return message(401, `invalid token ${sent.replace(/^Token /, '')}`);
  const parts = req.rawPath.split('/').map(decodeURIComponent);
  // ['', 'api', 'v2', 'workspaces', ws, 'customers', id?]
  if (`/${parts[1]}/${parts[2]}` !== TALLY_PREFIX || parts[3] !== 'workspaces') {
    return message(404, 'no such route');
  }
  if (parts[4] !== TALLY_WORKSPACE) return message(403, 'this token has no such workspace');
  if (parts[5] !== 'customers' || req.method !== 'GET') return message(404, 'no such route');
  if (parts[6] !== undefined) {
    const row = ROWS.find((r) => r.id === parts[6]);
    return row ? { status: 200, json: row } : message(404, 'no such customer');
  }
  const query = new URLSearchParams(req.rawQuery);
  const offset = Number(query.get('offset') ?? 0);
  const limit = Number(query.get('limit') ?? 10);
  const email = query.get('email');
  const ref = query.get('external_ref');
  const matching = ROWS.filter(
    (r) =>
      (email === null || r.email.toLowerCase() === email.toLowerCase()) &&
      (ref === null || r.external_ref === ref),
  );
  return { status: 200, json: { data: matching.slice(offset, offset + limit) } };
}

export async function startTallyEmulator(
  options: { apiKey?: string } = {},
): Promise<TallyEmulator> {
  const apiKey = options.apiKey ?? TALLY_KEY;
  const emulator = await Emulator.start((req) => handle(req, apiKey));
  return {
    emulator,
    rows: ROWS,
    settings: {
      baseUrl: `${emulator.baseUrl}${TALLY_PREFIX}`,
      apiKey,
      extras: { workspaceId: TALLY_WORKSPACE },
    },
    close: () => emulator.close(),
  };
}
