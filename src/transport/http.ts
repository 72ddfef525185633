/**
 * Remote mode: Streamable HTTP (MCP 2025-11-25) at POST /mcp on node:http, stateless, JSON
 * responses, through the SDK's own StreamableHTTPServerTransport. Each request gets a fresh Server
 * and transport (the SDK's stateless pattern) over tools and providers built once, so any instance
 * can answer any request: what a client needs between requests travels in the request (cursor).
 *
 * Before the SDK sees a request, in this order: /healthz, Host/Origin (DNS rebinding), the OAuth
 * metadata documents, path and method, authentication, body cap, load shedding. Everything here is
 * framing around the SDK; JSON-RPC itself is the SDK's.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { logLine } from '../log.js';
import { processSecrets, redactWith, type Secrets } from '../redact.js';
import { type RequestStats, withRequestStats } from '../upstream/request-stats.js';
import { type AccessRecord, accessLogLine, loggedPath, safeName } from './http/access-log.js';
import type { Authenticator, Refusal } from './http/auth.js';
import { CancellableCalls, callerKey } from './http/cancel.js';
import { checkHostAndOrigin } from './http/guard.js';
import type { HttpServeSettings } from './http/settings.js';

export const MCP_PATH = '/mcp';
/** Seconds a shed request is told to wait: calls take milliseconds to seconds. */
const RETRY_AFTER_SECONDS = 1;

/** Which MCP server answers a request: the operator's, or (headers mode) the tenant's. */
export interface Route {
  server: () => Server;
  /** Wraps the request's transport before the server connects (e.g. redaction of tenant keys). */
  wrap?: (transport: StreamableHTTPServerTransport) => void;
  /** What the request's access-log line is redacted against (default: the environment's keys). */
  secrets?: readonly Secrets[];
}

export interface ServeHttpOptions {
  settings: HttpServeSettings;
  authenticator: Authenticator;
  route: (req: IncomingMessage) => Route | Refusal;
  /** Where access-log lines go, already redacted (stderr by default). */
  writeLog?: (line: string) => void;
}

export interface RunningHttpServer {
  /** `http://127.0.0.1:PORT/mcp` as bound (the actual port when 0 was asked for). */
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish up to `graceMs`, then closes every socket. */
  shutdown(graceMs: number): Promise<{ drained: boolean }>;
}

export async function serveHttp(options: ServeHttpOptions): Promise<RunningHttpServer> {
  const { settings } = options;
  // The log's fields are names and numbers by construction; the redaction (with the keys of the
  // request the line belongs to, once its route is known) is a second guard.
  const writeLog = options.writeLog ?? ((line: string) => process.stderr.write(line));
  let draining = false;
  let inFlightCalls = 0;
  const cancellable = new CancellableCalls();
  /** Requests not yet answered: on shutdown each is told to close its connection after the answer. */
  const unanswered = new Set<ServerResponse>();

  const served = (path: string) =>
    path === MCP_PATH || path === '/healthz' || options.authenticator.metadata.has(path);

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
      if (draining) res.setHeader('connection', 'close');
      unanswered.add(res);
      res.once('close', () => {
        unanswered.delete(res);
        // No answer of ours went out (the client left, or Node cut it off with its own 408).
        record.status = res.headersSent ? res.statusCode : null;
        record.duration_ms = Math.round((performance.now() - started) * 100) / 100;
        record.upstream_requests = stats.upstreamRequests;
        if (!res.writableFinished) record.error ??= 'client_closed';
        // The SDK's own refusals (406, 415, 400 parse error) are written without passing send().
        if (res.statusCode >= 400) record.error ??= `http_${res.statusCode}`;
        writeLog(redactWith(accessLogLine(record), logged.secrets));
        // While draining, a socket that just finished its last request is closed at once.
        if (draining) setImmediate(() => http.closeIdleConnections());
      });
      withRequestStats(stats, () => handle(req, res, path, record, logged)).catch(
        (error: unknown) => {
          // One line, like every other line on stderr: the stack's frames joined.
          const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
          // Redacted with the request's own keys too (logLine adds the environment's).
          logLine(
            redactWith(
              `HTTP request failed: ${detail.replace(/\s*\n\s*/g, ' | ')}`,
              logged.secrets,
            ),
          );
          record.error = 'internal_error';
          if (!res.headersSent) sendJson(res, 500, rpcError('Internal server error'));
          else res.destroy();
        },
      );
    },
  );

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    record: AccessRecord,
    logged: { secrets: readonly Secrets[] },
  ) {
    if (path === '/healthz') return healthz(req, res);
    // Public by design (RFC 9728), so not behind the Host/Origin guard: it exposes nothing.
    const document = options.authenticator.metadata.get(path);
    if (document !== undefined) return metadata(req, res, document, record);
    const guarded = checkHostAndOrigin(req, settings);
    if (guarded) return refuse(res, guarded, record);
    if (path !== MCP_PATH) {
      record.error = 'not_found';
      return sendJson(res, 404, rpcError(`Not found: MCP is served at POST ${MCP_PATH}`));
    }
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to delete (DELETE).
      record.error = 'method_not_allowed';
      return sendJson(res, 405, rpcError('Method not allowed.'), { allow: 'POST' });
    }
    const denied = await options.authenticator.check(req);
    if (denied) return refuse(res, denied, record);
    // From the headers alone, so bad credential headers are refused before the body is read.
    const route = options.route(req);
    if ('status' in route) return refuse(res, route, record);
    logged.secrets = route.secrets ?? logged.secrets;

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
    const messages: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    const calls = messages.filter(isToolCall);
    noteRequest(record, messages);

    if (calls.length > 0 && inFlightCalls + calls.length > settings.maxInFlight) {
      record.error = 'overloaded';
      return sendJson(
        res,
        503,
        rpcError('Server busy: too many tool calls in flight. Retry shortly.', idOf(parsed)),
        {
          'retry-after': String(RETRY_AFTER_SECONDS),
        },
      );
    }
    const caller = callerKey(req);
    cancellable.cancel(caller, messages);
    // Gone while its body was read: its 'close' has fired already and would never release the slot.
    if (res.closed) {
      record.error = 'client_closed';
      return;
    }

    inFlightCalls += calls.length;
    const server = route.server();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    observeOutcome(transport, record);
    route.wrap?.(transport);
    // A single call can be cancelled from another POST (see ./http/cancel.ts); batches cannot.
    const single = messages.length === 1 ? idOf(calls[0]) : null;
    const release =
      single === null
        ? () => undefined
        : cancellable.track(caller, single, (notification) => {
            transport.onmessage?.(notification);
            record.error = 'cancelled';
            if (!res.headersSent) res.writeHead(202).end();
          });
    res.once('close', () => {
      release();
      inFlightCalls -= calls.length;
      // A client that hangs up aborts its calls: closing the server aborts their handlers' signals.
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // The SDK re-reads the body from rawBody when it must answer a parse error itself.
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    await transport.handleRequest(req, res, parsed === INVALID ? undefined : parsed);
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
      for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const drained = await Promise.race([closed.then(() => true as const), expired]);
      clearTimeout(timer);
      if (!drained) http.closeAllConnections();
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

function rpcError(message: string, id: string | number | null = null) {
  return { jsonrpc: '2.0', error: { code: -32000, message }, id };
}

/**
 * The body as a Buffer; undefined past `limit` bytes (Node discards the rest unread); null when
 * the client went away mid-body (nothing to answer).
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) return undefined;
      chunks.push(chunk as Buffer);
    }
  } catch {
    return null;
  }
  return Buffer.concat(chunks);
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

function idOf(parsed: unknown): string | number | null {
  const id = (parsed as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** The access log's rpc and tool fields: the first message's method, the first call's tool name. */
function noteRequest(record: AccessRecord, messages: unknown[]) {
  const first = messages[0] as { method?: unknown } | undefined;
  record.rpc = safeName(first?.method);
  const call = messages.find(isToolCall) as { params?: { name?: unknown } } | undefined;
  record.tool = safeName(call?.params?.name);
}

/** Notes, for the access log, the error code of what the server sends back (never its content). */
function observeOutcome(transport: StreamableHTTPServerTransport, record: AccessRecord) {
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, sendOptions) => {
    record.error ??= errorCodeOf(message);
    return send(message, sendOptions);
  };
}

function errorCodeOf(message: JSONRPCMessage): string | null {
  if ('error' in message) return `jsonrpc_${message.error.code}`;
  if (!('result' in message) || message.result.isError !== true) return null;
  const content = message.result.content as { type?: string; text?: string }[] | undefined;
  try {
    const parsed = JSON.parse(content?.[0]?.text ?? '') as { error?: { code?: unknown } };
    return safeName(parsed.error?.code) ?? 'tool_error';
  } catch {
    return 'tool_error';
  }
}
