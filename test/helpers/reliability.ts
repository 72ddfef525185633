/**
 * The fault matrix's view of each provider (test/reliability): how to start its emulator, which
 * routes its API documents, and the error bodies providers/*.md says it sends.
 */
import type { Client } from '@modelcontextprotocol/client';
import qs from 'qs';
import { expect } from 'vitest';
import { PROVIDERS } from '../../src/providers/registry.js';
import type { BillingProvider, ProviderId, ProviderSettings } from '../../src/providers/types.js';
import type { EmulatorRequest, LoggedRequest } from '../../src/sandbox/emulator.js';
import { startFlexpriceEmulator } from '../../src/sandbox/flexprice/emulator.js';
import { startMapleEmulator } from '../../src/sandbox/maple/emulator.js';
import { startQuentliEmulator } from '../../src/sandbox/quentli/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import type { HttpSettings } from '../../src/upstream/upstream.js';
import { structured } from './mcp.js';

/** A documented error body and what the tool result must say about it. */
export interface ErrorShape {
  name: string;
  status: 400 | 401 | 403 | 404;
  json?: unknown;
  text?: string;
  /** The provider's own words that must reach the message (any one of them), after parsing. */
  said?: string[];
  /** Text from the body that must never reach the message (internal detail, raw body). */
  never?: string[];
}

export interface ProviderCase {
  id: ProviderId;
  displayName: string;
  /** The variable an `unauthorized` message must name. */
  keyEnv: string;
  start: () => Promise<ProviderEmulator>;
  create: (settings: ProviderSettings, http: HttpSettings) => BillingProvider;
  /** The API's documented routes, matched against the raw (still encoded) path. */
  routes: { method: string; path: RegExp }[];
  errorShapes: ErrorShape[];
  /** This provider's documented error body carrying `message` (for the trimming test). */
  errorBody: (message: string) => unknown;
  /** Error bodies that echo `text` in each field the provider's message is read from. */
  echoBodies: (text: string) => unknown[];
}

const entry = (id: ProviderId) => {
  const found = PROVIDERS.find((p) => p.id === id);
  if (!found) throw new Error(`no provider ${id}`);
  return found;
};

/** One path segment: no raw '/', and never a dot-segment that URL parsers fold away. */
const SEG = '(?!\\.\\.?(?:/|$))[^/]+';

const INTERNAL = 'INTERNAL-DETAIL-must-not-leak';

/** Distinctive keys: any appearance in captured output is a leak, never a coincidence. */
export const KEYS = {
  quentli: 'sk_live_QNTLreliabilityKEY_7f3a9c1e5b',
  flexprice: 'sk_01FLXPreliabilityKEY0000004d2b',
  maple: 'mpl_tok_MAPLreliabilityKEY_9c4e2a7f1d',
};

export const PROVIDER_CASES: ProviderCase[] = [
  {
    id: 'quentli',
    displayName: 'Quentli',
    keyEnv: 'QUENTLI_API_KEY',
    start: async () => {
      const started = await startQuentliEmulator();
      const org = started.tokens.get(started.settings.apiKey) as string;
      started.tokens.set(KEYS.quentli, org);
      return { ...started, settings: { ...started.settings, apiKey: KEYS.quentli } };
    },
    create: entry('quentli').create,
    routes: [
      { method: 'GET', path: /^\/v1\/customers$/ },
      { method: 'GET', path: new RegExp(`^/v1/customers/${SEG}$`) },
    ],
    // providers/quentli.md §10
    errorShapes: [
      {
        name: '400 ValidationError',
        status: 400,
        json: {
          error: {
            message: 'Invalid query parameters',
            issues: [{ code: 'too_big', path: ['take'], message: INTERNAL }],
          },
        },
        said: ['Invalid query parameters'],
        never: [INTERNAL],
      },
      {
        name: '400 UserError',
        status: 400,
        json: { error: { message: 'Invalid request' } },
        said: ['Invalid request'],
      },
      {
        name: '401 UserError',
        status: 401,
        json: { error: { message: 'You are not authenticated' } },
        said: ['You are not authenticated'],
      },
      {
        name: '403 UserError',
        status: 403,
        json: { error: { message: 'Permission denied' } },
        said: ['Permission denied'],
      },
      {
        name: '404 UserError',
        status: 404,
        json: { error: { message: 'Customer not found' } },
      },
      { name: '404 from a proxy (HTML)', status: 404, text: `<html>${INTERNAL}</html>` },
    ],
    errorBody: (message) => ({ error: { message } }),
    echoBodies: (text) => [{ error: { message: `invalid api key: ${text}` } }],
  },
  {
    id: 'flexprice',
    displayName: 'Flexprice',
    keyEnv: 'FLEXPRICE_API_KEY',
    start: () => startFlexpriceEmulator({ apiKey: KEYS.flexprice }),
    create: entry('flexprice').create,
    routes: [
      { method: 'GET', path: new RegExp(`^/v1/customers/external/${SEG}$`) },
      { method: 'GET', path: new RegExp(`^/v1/customers/${SEG}$`) },
      { method: 'POST', path: /^\/v1\/customers\/search$/ },
    ],
    // providers/flexprice.md §2, §8.1, §8.2, §8.3
    errorShapes: [
      {
        name: '400 current shape',
        status: 400,
        json: {
          code: 'validation_error',
          message: 'Invalid filter parameters',
          details: { limit: 'must be between 1 and 1000' },
        },
        said: ['Invalid filter parameters'],
      },
      {
        name: '400 legacy shape',
        status: 400,
        json: {
          success: false,
          error: {
            message: 'Please provide a valid email',
            internal_error: INTERNAL,
            details: {},
          },
        },
        said: ['Please provide a valid email'],
        never: [INTERNAL],
      },
      {
        name: '401 middleware body',
        status: 401,
        json: { error: 'Unauthorized' },
        said: ['Unauthorized'],
      },
      {
        name: '401 invalid token',
        status: 401,
        json: { error: 'Invalid token' },
        said: ['Invalid token'],
      },
      {
        name: '403 access denied',
        status: 403,
        json: { error: 'Access denied', message: 'Invalid or inaccessible environment' },
        said: ['Access denied', 'Invalid or inaccessible environment'],
      },
      {
        name: '403 message only',
        status: 403,
        json: { message: 'insufficient permissions' },
        said: ['insufficient permissions'],
      },
      {
        name: '404 current shape',
        status: 404,
        json: { code: 'not_found', message: 'Customer with ID cust_123 was not found' },
      },
      {
        name: '404 legacy shape',
        status: 404,
        json: {
          success: false,
          error: { message: 'Customer not found', internal_error: INTERNAL },
        },
        never: [INTERNAL],
      },
      { name: '404 text/plain', status: 404, text: '404 page not found' },
    ],
    errorBody: (message) => ({ code: 'validation_error', message }),
    echoBodies: (text) => [
      { code: 'unauthorized', message: `invalid api key: ${text}` },
      { code: 'validation_error', message: 'Invalid request', details: { api_key: text } },
      { success: false, error: { message: 'Invalid request', details: { key: text } } },
      { error: text },
    ],
  },
  {
    id: 'maple',
    displayName: 'Maple Billing',
    keyEnv: 'MAPLE_API_KEY',
    start: () => startMapleEmulator({ apiKey: KEYS.maple }),
    create: entry('maple').create,
    routes: [
      { method: 'GET', path: new RegExp(`^/api/v1/companies/${SEG}/customers/${SEG}$`) },
      { method: 'POST', path: new RegExp(`^/api/v1/companies/${SEG}/customers/find$`) },
    ],
    // providers/maple.md §3, §4
    errorShapes: [
      {
        name: '400 validation_error',
        status: 400,
        json: {
          error_message: 'Request body does not contain all required information',
          error_type: 'validation_error',
          error_status: 400,
          validation_errors: [{ field: 'pagination.limit', message: INTERNAL }],
        },
        said: ['Request body does not contain all required information'],
      },
      {
        name: '400 request_error',
        status: 400,
        json: {
          error_message: 'Invalid request',
          error_type: 'request_error',
          error_code: 'bad_request',
          error_status: 400,
        },
        said: ['Invalid request'],
      },
      {
        name: '401 auth_error',
        status: 401,
        json: {
          error_message: 'Auth token failure',
          error_type: 'auth_error',
          error_status: 401,
        },
        said: ['Auth token failure'],
      },
      {
        name: '403 auth_error',
        status: 403,
        json: {
          error_message: 'Forbidden access to a resource',
          error_type: 'auth_error',
          error_status: 403,
        },
        said: ['Forbidden access to a resource'],
      },
      {
        name: '404 request_error',
        status: 404,
        json: { error_message: 'Not found', error_type: 'request_error', error_status: 404 },
      },
    ],
    errorBody: (message) => ({
      error_message: message,
      error_type: 'request_error',
      error_status: 400,
    }),
    echoBodies: (text) => [
      { error_message: `Auth token failure: ${text}`, error_type: 'auth_error' },
      {
        error_message: 'Request body does not contain all required information',
        error_type: 'validation_error',
        validation_errors: [{ field: 'authorization', message: text }],
      },
    ],
  },
];

/** Ids and filter values that have broken URL builders, query encoders and parsers before. */
export const HOSTILE_STRINGS = [
  'a/b',
  '../../v1/customers',
  '..',
  '.',
  '%2e%2e',
  './x',
  'a?b=1',
  'a#frag',
  '100%',
  '%zz',
  '%00',
  'a&b=c',
  'x=y',
  'a[0]=1',
  '][',
  'a[b][c]=d',
  '"quoted"',
  "it's",
  '<script>',
  'a+b c',
  'a;b,c',
  '\\back\\slash',
  'ünïcødé — 日本語 🙂',
  'e\u0301',
  '\u202eRTL',
  '\ufeffBOM',
  '\u0000',
  'a\u0000b',
  'line\nbreak',
  'tab\there',
  '\u001b[31m',
  '\u007f',
  '\ud800',
  'x\udfffy',
  'x'.repeat(255),
  'x'.repeat(256),
  'y'.repeat(10_000),
  ' ',
  '',
];

/** A free loopback port with nothing listening on it (connection refused). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The same settings pointed at another port of 127.0.0.1. */
export function onPort(settings: ProviderSettings, port: number): ProviderSettings {
  const url = new URL(settings.baseUrl);
  url.port = String(port);
  return { ...settings, baseUrl: url.toString().replace(/\/$/, '') };
}

/** Whether a logged request hit one of the provider's documented routes. */
export function onDocumentedRoute(pc: ProviderCase, request: LoggedRequest): boolean {
  return pc.routes.some((r) => r.method === request.method && r.path.test(request.rawPath));
}

/**
 * Every string value a request carried, decoded the way a server decodes it: path segments,
 * query values (and, for `qs`-encoded values such as Quentli's `filter`, their leaves) and
 * JSON body leaves.
 */
export function receivedValues(request: LoggedRequest): string[] {
  const out: string[] = [];
  for (const part of request.rawPath.split('/')) {
    try {
      out.push(decodeURIComponent(part));
    } catch {
      out.push(part);
    }
  }
  for (const [, value] of new URLSearchParams(request.rawQuery)) {
    out.push(value);
    if (value.includes('=')) leaves(qs.parse(value, { depth: 5, arrayLimit: 20 }), out);
  }
  leaves(request.body, out);
  return out;
}

function leaves(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) leaves(child, out);
  }
}

/** A normal call that must succeed: the server is healthy after whatever happened before. */
export async function expectHealthy(client: Client, provider: ProviderId): Promise<void> {
  const page = structured<{ provider: string; returned: number; items: { provider: string }[] }>(
    await client.callTool({ name: `${provider}_list_customers`, arguments: { take: 2 } }),
  );
  expect(page.provider).toBe(provider);
  expect(page.returned).toBe(2);
}

/** A TCP forwarder on `port` to `target` (an upstream that comes back after being down). */
export async function forward(port: number, target: number): Promise<() => Promise<void>> {
  const { connect, createServer } = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** The credential a request carried, as its auth header sent it. */
export function sentCredential(request: EmulatorRequest): string {
  const value = request.headers.authorization ?? request.headers['x-api-key'];
  return String(value);
}

/**
 * The ways a provider has been seen to echo a credential (CONTRACT §5): as sent, without its
 * scheme word, percent-encoded, base64, upper-cased, and far enough into a long message that the
 * 200-character cut falls inside it.
 */
export const ECHOES: { name: string; echo: (sent: string) => string }[] = [
  { name: 'as sent', echo: (sent) => sent },
  { name: 'without its scheme word', echo: (sent) => sent.replace(/^Bearer /, '') },
  { name: 'percent-encoded', echo: (sent) => encodeURIComponent(sent) },
  { name: 'base64', echo: (sent) => Buffer.from(sent.replace(/^Bearer /, '')).toString('base64') },
  { name: 'upper-cased', echo: (sent) => sent.toUpperCase() },
  { name: 'cut by the length limit', echo: (sent) => `${'x'.repeat(175)} ${sent}` },
];

/** Statuses seen echoing the key; each is answered for every attempt (retries included). */
export const ECHO_STATUSES = [400, 401, 404, 409, 422, 429, 500, 502] as const;
