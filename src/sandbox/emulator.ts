/**
 * A loopback HTTP server that the provider emulators plug a handler into: request log, connection
 * count, latency and fault injection. Used by the tests, the benchmark and the `--demo` sandbox.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmulatorRequest {
  method: string;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  /** The query string as sent, without '?'. */
  rawQuery: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, or undefined when there was none or it was not JSON (see `rawBody`). */
  body: unknown;
  rawBody: string;
}

export interface EmulatorResponse {
  status: number;
  /** Sent as JSON (`application/json; charset=utf-8`). */
  json?: unknown;
  /** Sent as-is with `contentType` (default text/plain). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type EmulatorHandler = (request: EmulatorRequest) => EmulatorResponse;

/** One injected misbehaviour, applied to the next request (see `Emulator.inject`). */
export interface Fault {
  /** Answer this instead of the real handler. */
  respond?: EmulatorResponse;
  /** Wait before answering (the real answer, or `respond`). */
  delayMs?: number;
  /** 'headers': never answer. 'body': send headers and half a body, then stall. */
  hang?: 'headers' | 'body';
  /** true: destroy the connection without answering. 'mid-body': send headers and half the body first. */
  reset?: true | 'mid-body';
  /** 200 JSON-looking body of this many bytes, streamed. */
  hugeBodyBytes?: number;
  /** Answer what this returns, given the real answer and the request (echoes, oversized fields). */
  rewrite?: (answer: EmulatorResponse, request: EmulatorRequest) => EmulatorResponse;
}

export interface LoggedRequest extends EmulatorRequest {
  at: number;
  /** Status sent, or null if the request got no answer (hang, reset, client went away). */
  status: number | null;
  /** True when the client closed the connection before the answer was complete. */
  closedEarly: boolean;
  /** When the exchange ended (answer sent, or connection closed); null while open. With `at`, shows overlap. */
  doneAt: number | null;
}

const MAX_REQUEST_BODY = 1024 * 1024;

/**
 * How much of the request log is kept: the newest requests, within both bounds (a long `--demo`
 * session or a flood of 1 MB bodies must not grow memory). `entries: 0` keeps none.
 */
export interface LogLimit {
  entries: number;
  bodyBytes: number;
}

export const DEFAULT_LOG_LIMIT: LogLimit = { entries: 10_000, bodyBytes: 16 * 1024 * 1024 };

export class Emulator {
  /** The newest requests, oldest first, within `logLimit`. */
  readonly requests: LoggedRequest[] = [];
  logLimit: LogLimit = { ...DEFAULT_LOG_LIMIT };
  /** Requests received since start, logged or not. */
  received = 0;
  private loggedBodyBytes = 0;
  /** TCP connections accepted since start: keep-alive reuse keeps this small. */
  connections = 0;
  /** Added before every answer. */
  latencyMs = 0;
  private readonly faults: Fault[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(handler: EmulatorHandler): Promise<Emulator> {
    const server = createServer();
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const emulator = new Emulator(server, `http://127.0.0.1:${port}`);
    server.on('connection', () => {
      emulator.connections++;
    });
    server.on('request', (req, res) => {
      emulator.handle(req, res, handler).catch(() => res.destroy());
    });
    return emulator;
  }

  /** Queue faults: each applies to one upcoming request, in order. */
  inject(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  clearLog(): void {
    this.requests.length = 0;
    this.loggedBodyBytes = 0;
  }

  private log(entry: LoggedRequest): void {
    this.received++;
    const { entries, bodyBytes } = this.logLimit;
    if (entries <= 0) return;
    this.requests.push(entry);
    this.loggedBodyBytes += entry.rawBody.length;
    while (
      this.requests.length > entries ||
      (this.loggedBodyBytes > bodyBytes && this.requests.length > 1)
    ) {
      this.loggedBodyBytes -= (this.requests.shift() as LoggedRequest).rawBody.length;
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    handler: EmulatorHandler,
  ): Promise<void> {
    const rawBody = await readBody(req);
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      rawPath,
      rawQuery,
      headers: req.headers,
      body: parseJson(rawBody),
      rawBody,
    };
    const entry: LoggedRequest = {
      ...request,
      at: Date.now(),
      status: null,
      closedEarly: false,
      doneAt: null,
    };
    this.log(entry);
    res.on('close', () => {
      entry.doneAt = Date.now();
      if (!res.writableFinished) entry.closedEarly = true;
    });

    const fault = this.faults.shift();
    const delay = this.latencyMs + (fault?.delayMs ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (fault?.reset === true) {
      req.socket.destroy();
      return;
    }
    if (fault?.hang === 'headers') return;
    if (fault?.hugeBodyBytes !== undefined) {
      entry.status = 200;
      streamHugeBody(res, fault.hugeBodyBytes);
      return;
    }
    const answer = fault?.respond ?? handler(request);
    const response = fault?.rewrite ? fault.rewrite(answer, request) : answer;
    entry.status = response.status;
    const { body, contentType } = serialize(response);
    res.writeHead(response.status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      ...response.headers,
    });
    if (fault?.hang === 'body' || fault?.reset === 'mid-body') {
      res.write(body.slice(0, Math.floor(body.length / 2)));
      if (fault.reset === 'mid-body') setImmediate(() => req.socket.destroy());
      return;
    }
    res.end(body);
  }
}

function serialize(response: EmulatorResponse): { body: string; contentType: string } {
  if (response.text !== undefined) {
    return {
      body: response.text,
      contentType: response.contentType ?? 'text/plain; charset=utf-8',
    };
  }
  return {
    body: response.json === undefined ? '' : JSON.stringify(response.json),
    contentType: response.contentType ?? 'application/json; charset=utf-8',
  };
}

function streamHugeBody(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  const pump = (): void => {
    while (sent < bytes) {
      const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => {
    sent = bytes;
  });
  res.write('{"items":["');
  pump();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BODY) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Deterministic PRNG (mulberry32) so every seed data set is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
