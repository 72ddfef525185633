/**
 * Remote mode: Streamable HTTP at POST /mcp on node:http, stateless, both protocol eras
 * (2026-07-28 per request, 2025-11-25 through the SDK's stateless legacy serving), answered by
 * the SDK's web-standard handler (createMcpHandler) over one server factory. Each request gets a
 * fresh Server over tools and providers built once, so any instance can answer any request: what
 * a client needs between requests travels in the request (cursor).
 *
 * A request passes these steps in this order (each may answer it instead):
 *   1. /healthz, /readyz and the OAuth metadata documents (public)
 *   2. Host/Origin guard (DNS rebinding), path, CORS (the preflight answered here) and method
 *   3. access control (static token or OAuth bearer) and the route (the operator's server, the
 *      one for the caller's grant set, or the tenant's, from its credential headers)
 *   4. limits: the body, read and capped once; calls outside the caller's grant (403); tool
 *      calls in flight
 *   5. the SDK handler, its answer written as it comes; a connection whose unread answers pass
 *      a bound is cut (./unread.ts)
 *   6. the access log, written when the response closes
 * Everything here is framing around the SDK; JSON-RPC itself is the SDK's.
 */

import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createMcpHandler, type JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Principal } from '../../audit.js';
import type { RequestStats } from '../../call-state.js';
import { logLine } from '../../log.js';
import { PROVIDER_IDS, PROVIDERS } from '../../providers/registry.js';
import { processSecrets, redactWith, type Secrets } from '../../redact.js';
import type { ServerFactory } from '../../server.js';
import { codedErrorOf } from '../../tools/result.js';
import { type Outgoing, redacting } from '../redacting.js';
import { type AccessRecord, accessLogLine, loggedPath, safeName } from './access-log.js';
import type { Accepted, Authenticator, Refusal } from './auth.js';
import { CancellableCalls, callerKey, identityHeaders } from './cancel.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { checkHostAndOrigin } from './guard.js';
import { readBody } from './limits.js';
import type { HttpServeSettings } from './settings.js';
import { UnreadAnswers } from './unread.js';
import { webRequest, writeResponse } from './web.js';

export const MCP_PATH = '/mcp';
/** Seconds a shed request is told to wait: calls take milliseconds to seconds. */
const RETRY_AFTER_SECONDS = 1;

/** Which MCP server answers a request: the operator's, or (headers mode) the tenant's. */
export interface Route {
  server: ServerFactory;
  /** What everything sent for this request is redacted against. */
  secrets: readonly Secrets[];
  /** Who the audit log says made the call, when the route knows better than the access check. */
  principal?: Principal;
  /** With grants (./grants.ts): the providers a tool needs that the caller lacks, if any. */
  missingGrant?: (tool: string) => readonly string[] | undefined;
}

export interface ServeHttpOptions {
  settings: HttpServeSettings;
  authenticator: Authenticator;
  /** Which server answers an accepted request (./start.ts builds it from the settings). */
  route: (req: IncomingMessage, accepted: Accepted) => Route | Refusal;
  /** Where access-log lines go, already redacted (stderr by default). */
  writeLog?: (line: string) => void;
  /**
   * An accepted /mcp request still unanswered after this is answered with a JSON-RPC error (or,
   * once its stream has begun, its connection is closed), its call aborted and its slots freed:
   * a client that never reads, or a call that never ends, holds nothing for longer. The bin sets
   * it a little above the longest a call can take (answerDeadlineMs in ./start.ts).
   */
  answerDeadlineMs?: number;
  /** Headers that tell callers apart for cancellation (default: the built-in registry's). */
  callerHeaders?: readonly string[];
  /**
   * Answer bytes a connection may hold unread (MAX_UNREAD_ANSWER_BYTES in ./unread.ts by
   * default); past it the connection is cut and its calls' slots released.
   */
  maxUnreadBytes?: number;
}

export interface RunningHttpServer {
  /** `http://127.0.0.1:PORT/mcp` as bound (the actual port when 0 was asked for). */
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish up to `graceMs`, then closes every socket. */
  shutdown(graceMs: number): Promise<{ drained: boolean }>;
}

/** What the SDK handler's factory needs of the request it is building a server for. */
interface Exchange {
  route: Route;
  outgoing: Outgoing;
  principal: Principal;
  /** Counted by each call's upstream requests (src/call-state.ts), read by the access log. */
  stats: RequestStats;
}

export async function serveHttp(options: ServeHttpOptions): Promise<RunningHttpServer> {
  const { settings } = options;
  // The log's fields are names and numbers by construction; the redaction (with the keys of the
  // request the line belongs to, once its route is known) is a second guard.
  const writeLog = options.writeLog ?? ((line: string) => process.stderr.write(line));
  let draining = false;
  let inFlightCalls = 0;
  const cancellable = new CancellableCalls();
  const callerHeaders = options.callerHeaders ?? identityHeaders(PROVIDERS);
  /** Requests not yet answered: on shutdown each is told to close its connection after the answer. */
  const unanswered = new Set<ServerResponse>();
  const unread = new UnreadAnswers(options.maxUnreadBytes);
  /** The SDK hands the factory the Request we built: this finds the route and filter for it. */
  const exchanges = new WeakMap<Request, Exchange>();
  const handler = createMcpHandler(({ requestInfo }) => {
    const exchange = requestInfo && exchanges.get(requestInfo);
    if (!exchange) throw new Error('an MCP request reached the handler without its route');
    const { outgoing, principal, stats } = exchange;
    return exchange.route.server({ outgoing, principal, transport: 'http', upstreamStats: stats });
  });

  /**
   * While draining, a socket's connection closes after its last answer, not its first: requests
   * pipelined behind a call in flight were received, and are answered too.
   */
  const closeAfterLast = (socket: Socket) => {
    const waiting = [...unanswered].filter((res) => res.req.socket === socket && !res.headersSent);
    for (const [index, res] of waiting.entries()) {
      if (index === waiting.length - 1) res.setHeader('connection', 'close');
      else res.removeHeader('connection');
    }
  };

  const served = (path: string) =>
    path === MCP_PATH ||
    path === '/healthz' ||
    path === '/readyz' ||
    options.authenticator.metadata.has(path);

  const http = createHttpServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // Node enforces both timeouts only when it sweeps its connections, every 30 s by default:
      // a 10 s headers timeout would let a slow client hold its socket for up to 40 s.
      connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs / 2),
    },
    (req, res) => {
      const started = performance.now();
      const stats: RequestStats = { upstreamRequests: 0 };
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const logged: { secrets: readonly Secrets[] } = { secrets: [processSecrets] };
      const record: AccessRecord = {
        method: safeName(req.method?.toLowerCase())?.toUpperCase() ?? 'OTHER',
        path: loggedPath(path, served),
        status: 0,
        rpc: null,
        tool: null,
        duration_ms: 0,
        upstream_requests: 0,
        error: null,
      };
      unanswered.add(res);
      unread.track(res);
      if (draining) closeAfterLast(req.socket);
      // Step 6, the access log: once per request, whatever answered it.
      res.once('close', () => {
        unanswered.delete(res);
        // No answer of ours went out (the client left, or Node cut it off with its own 408).
        record.status = res.headersSent ? res.statusCode : null;
        record.duration_ms = Math.round((performance.now() - started) * 100) / 100;
        record.upstream_requests = stats.upstreamRequests;
        if (unread.wasCut(res)) record.error = 'unread_answers';
        if (!res.writableFinished) record.error ??= 'client_closed';
        // The SDK's own refusals (406, 415, 400 parse error) are built without passing send().
        if (res.statusCode >= 400) record.error ??= `http_${res.statusCode}`;
        writeLog(redactWith(accessLogLine(record), logged.secrets));
        // While draining, a socket that just finished its last request is closed at once.
        if (draining) setImmediate(() => http.closeIdleConnections());
      });
      handle(req, res, path, record, logged, stats).catch((error: unknown) => {
        // One line, like every other line on stderr: the stack's frames joined.
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        // Redacted with the request's own keys too (logLine adds the environment's).
        logLine(
          redactWith(`HTTP request failed: ${detail.replace(/\s*\n\s*/g, ' | ')}`, logged.secrets),
        );
        record.error = 'internal_error';
        if (!res.headersSent) sendJson(res, 500, rpcError('Internal server error'));
        else res.destroy();
      });
    },
  );

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    record: AccessRecord,
    logged: { secrets: readonly Secrets[] },
    stats: RequestStats,
  ) {
    // Step 1: public documents.
    if (path === '/healthz') return healthz(req, res);
    if (path === '/readyz') return readyz(req, res);
    // Public by design (RFC 9728), so not behind the Host/Origin guard: it exposes nothing.
    const document = options.authenticator.metadata.get(path);
    if (document !== undefined) return metadata(req, res, document, record);

    // Step 2: Host/Origin, path, method.
    const guarded = checkHostAndOrigin(req, settings);
    if (guarded) return refuse(res, guarded, record);
    if (path !== MCP_PATH) {
      record.error = 'not_found';
      return sendJson(res, 404, rpcError(`Not found: MCP is served at POST ${MCP_PATH}`));
    }
    // An admitted browser origin may read every answer, refusals included (./cors.ts).
    for (const [name, value] of Object.entries(corsHeaders(req))) res.setHeader(name, value);
    if (req.method === 'OPTIONS' && req.headers.origin !== undefined) {
      res.writeHead(204, preflightHeaders(req)).end();
      return;
    }
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to delete (DELETE).
      record.error = 'method_not_allowed';
      return sendJson(res, 405, rpcError('Method not allowed.'), { allow: 'POST' });
    }

    // Step 3: access control, and the route (from the headers alone, so bad credential headers
    // are refused before the body is read).
    const accepted = await options.authenticator.check(req);
    if ('status' in accepted) return refuse(res, accepted, record);
    const route = options.route(req, accepted);
    if ('status' in route) return refuse(res, route, record);
    // A tenant (header credentials) is named by its fingerprint; otherwise by the access check.
    const principal = route.principal ?? accepted.principal;
    logged.secrets = route.secrets;

    // Step 4: limits.
    const body = await readBody(req, settings.maxBodyBytes);
    if (body === null) {
      record.error = 'client_closed';
      return;
    }
    if (body === undefined) {
      record.error = 'payload_too_large';
      return sendJson(
        res,
        413,
        rpcError(`Request body larger than ${settings.maxBodyBytes} bytes`),
      );
    }
    const parsed = parseJson(body);
    if (parsed === INVALID) {
      return sendJson(res, 400, {
        jsonrpc: '2.0',
        error: { code: -32700, message: 'Parse error: Invalid JSON' },
        id: null,
      });
    }
    const messages: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    const calls = messages.filter(isToolCall);
    noteRequest(record, messages);
    // Before the SDK, so the client gets the HTTP status its step-up needs (not a tool result).
    const needed = route.missingGrant && missingProviders(calls, route.missingGrant);
    if (needed && needed.length > 0) {
      return refuse(res, options.authenticator.insufficientScope(needed), record);
    }
    if (cancelsItself(messages)) {
      // A cancelled request gets no answer, and a batch's answer waits for all of them: served,
      // it would hold its slots and the connection without ever being answered.
      record.error = 'batch_cancels_itself';
      return sendJson(res, 400, {
        jsonrpc: '2.0',
        error: {
          code: -32600,
          message:
            'A batch may not cancel a request it carries itself: send notifications/cancelled on its own.',
        },
        id: null,
      });
    }
    if (calls.length > 0 && inFlightCalls + calls.length > settings.maxInFlight) {
      record.error = 'overloaded';
      return sendJson(
        res,
        503,
        rpcError('Server busy: too many tool calls in flight. Retry shortly.', idOf(parsed)),
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    }

    // Step 5: the SDK handler.
    const caller = callerKey(req, callerHeaders);
    cancellable.cancel(caller, messages);
    // Gone while its body was read: its 'close' has fired already and would never release the slot.
    if (res.closed) {
      record.error = 'client_closed';
      return;
    }
    inFlightCalls += calls.length;
    const aborted = new AbortController();
    // A single call can be cancelled from another POST (see ./cancel.ts); batches cannot.
    const single = messages.length === 1 ? idOf(calls[0]) : null;
    const release =
      single === null
        ? () => undefined
        : cancellable.track(caller, single, () => {
            record.error = 'cancelled';
            // Closing the exchange aborts the handler's signal, so the upstream request stops.
            // The POST still gets a JSON-RPC answer naming its id (a client that cancelled
            // ignores it), never an empty 202 that would leave a client waiting; a stream that
            // has begun just ends.
            aborted.abort();
            if (res.headersSent) res.end();
            else sendJson(res, 200, rpcError('Request cancelled.', single, -32800));
          });
    const deadline =
      options.answerDeadlineMs === undefined
        ? undefined
        : setTimeout(() => {
            record.error = 'deadline';
            aborted.abort();
            if (res.headersSent) res.destroy();
            else {
              const message = `No answer within ${options.answerDeadlineMs} ms: the request was stopped. Retry it, or ask for less.`;
              sendJson(res, 200, rpcError(message, idOf(parsed)));
            }
          }, options.answerDeadlineMs);
    res.once('close', () => {
      clearTimeout(deadline);
      release();
      inFlightCalls -= calls.length;
      // A client that hangs up aborts its calls: the SDK closes the exchange's server.
      aborted.abort();
    });

    const redact = redacting(() => route.secrets);
    const outgoing: Outgoing = (message) => {
      record.error ??= errorCodeOf(message);
      return redact(message);
    };
    const request = webRequest(req, path, body, aborted.signal);
    exchanges.set(request, { route, outgoing, principal, stats });
    const response = await handler.fetch(request, { parsedBody: parsed });
    // Bodies the handler built itself (its refusals) are redacted here, as text, fail-closed.
    await writeResponse(res, response, {
      rewrite: (text) => redactWith(text, route.secrets),
      cutIfUnread: (written) => unread.cutIfOver(written),
    });
  }

  function metadata(
    req: IncomingMessage,
    res: ServerResponse,
    document: unknown,
    record: AccessRecord,
  ) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      record.error = 'method_not_allowed';
      return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
    }
    // Public by design (RFC 9728): browser-based clients read it cross-origin.
    return sendJson(res, 200, document, {
      'access-control-allow-origin': '*',
      'cache-control': 'max-age=3600',
    });
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(settings.port, settings.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const hostPart = settings.host.includes(':') ? `[${settings.host}]` : settings.host;

  return {
    url: `http://${hostPart}:${port}${MCP_PATH}`,
    port,
    async shutdown(graceMs) {
      draining = true;
      // An answer that said keep-alive would invite the client (or a load balancer) to send its
      // next request on a socket about to close: a reset on a rolling restart.
      for (const socket of new Set([...unanswered].map((res) => res.req.socket))) {
        closeAfterLast(socket);
      }
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const drained = await Promise.race([closed.then(() => true as const), expired]);
      clearTimeout(timer);
      if (!drained) http.closeAllConnections();
      await handler.close().catch(() => undefined);
      return { drained };
    },
  };
}

function healthz(req: IncomingMessage, res: ServerResponse) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
  }
  return sendJson(res, 200, { status: 'ok' }, { 'cache-control': 'no-store' });
}

/**
 * Ready to serve: the configuration is loaded and checked (the server listens only after that).
 * Draining needs no answer of its own: SIGTERM closes the listener, so a readiness probe is
 * refused from then on. Never calls upstream: a provider outage must not take every instance out
 * of the load balancer, since each call reports it as a coded error anyway.
 */
function readyz(req: IncomingMessage, res: ServerResponse) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
  }
  return sendJson(res, 200, { status: 'ready' }, { 'cache-control': 'no-store' });
}

function refuse(res: ServerResponse, refusal: Refusal, record: AccessRecord) {
  record.error = refusal.code;
  sendJson(res, refusal.status, refusal.body, refusal.headers);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function rpcError(message: string, id: string | number | null = null, code = -32000) {
  return { jsonrpc: '2.0', error: { code, message }, id };
}

const INVALID = Symbol('invalid JSON');

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return INVALID;
  }
}

function isToolCall(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { method?: unknown }).method === 'tools/call' &&
    'id' in message
  );
}

/** Whether a batch holds a notifications/cancelled for a request id of its own. */
function cancelsItself(messages: unknown[]): boolean {
  if (messages.length < 2) return false;
  const ids = new Set(messages.map(idOf).filter((id) => id !== null));
  return messages.some((message) => {
    const m = message as { method?: unknown; params?: { requestId?: unknown } } | null;
    if (m?.method !== 'notifications/cancelled') return false;
    const id = m.params?.requestId;
    return (typeof id === 'string' || typeof id === 'number') && ids.has(id);
  });
}

function idOf(parsed: unknown): string | number | null {
  const id = (parsed as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** Every provider the request's tool calls need beyond the caller's grant, in provider order. */
function missingProviders(
  calls: unknown[],
  missingGrant: NonNullable<Route['missingGrant']>,
): string[] {
  const needed = new Set<string>();
  for (const call of calls) {
    const name = (call as { params?: { name?: unknown } }).params?.name;
    if (typeof name === 'string') for (const id of missingGrant(name) ?? []) needed.add(id);
  }
  return PROVIDER_IDS.filter((id) => needed.has(id));
}

/** The access log's rpc and tool fields: the first message's method, the first call's tool name. */
function noteRequest(record: AccessRecord, messages: unknown[]) {
  const first = messages[0] as { method?: unknown } | undefined;
  record.rpc = safeName(first?.method);
  const call = messages.find(isToolCall) as { params?: { name?: unknown } } | undefined;
  record.tool = safeName(call?.params?.name);
}

/** The error code of what the server sends back, for the access log (never its content). */
function errorCodeOf(message: JSONRPCMessage): string | null {
  if ('error' in message) return `jsonrpc_${message.error.code}`;
  if (!('result' in message) || message.result.isError !== true) return null;
  return safeName(codedErrorOf(message.result)) ?? 'tool_error';
}
