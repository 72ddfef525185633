/**
 * Remote mode in tests: the real serveHttp() on 127.0.0.1 (an ephemeral port) and the SDK's real
 * StreamableHTTPClientTransport, nothing mocked between them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig } from '../../src/config.js';
import type { BillingProvider } from '../../src/providers/types.js';
import { processSecrets } from '../../src/redact.js';
import { serverFactory } from '../../src/server.js';
import { type Authenticator, OPEN } from '../../src/transport/http/auth.js';
import {
  type RunningHttpServer,
  type ServeHttpOptions,
  serveHttp,
} from '../../src/transport/http/serve.js';
import type { HttpServeSettings } from '../../src/transport/http/settings.js';
import { expectEra, newClient, type TestEra, testEra } from './mcp.js';
import { BASE_ENV, BIN } from './run.js';

/** The settings `--http --port 0` gives with an empty environment, plus overrides. */
export function httpSettings(overrides: Partial<HttpServeSettings> = {}): HttpServeSettings {
  const { http } = loadConfig({ QUENTLI_API_KEY: 'unused' }, ['--http', '--port', '0']);
  if (!http) throw new Error('--http gave no settings');
  return { ...http, ...overrides };
}

export interface TestHttpServer extends RunningHttpServer {
  /** Access-log lines written so far. */
  log: string[];
  close(): Promise<void>;
}

/** serveHttp over `providers` (one shared server factory, as the bin builds it). */
export async function startHttpServer(
  providers: readonly BillingProvider[],
  options: {
    settings?: Partial<HttpServeSettings>;
    authenticator?: Authenticator;
    route?: ServeHttpOptions['route'];
    answerDeadlineMs?: number;
    maxUnreadBytes?: number;
  } = {},
): Promise<TestHttpServer> {
  const log: string[] = [];
  const route = {
    server: serverFactory({ providers, version: '0.0.0-test' }),
    secrets: [processSecrets],
  };
  const running = await serveHttp({
    settings: httpSettings(options.settings),
    authenticator: options.authenticator ?? OPEN,
    route: options.route ?? (() => route),
    writeLog: (line: string) => log.push(line),
    answerDeadlineMs: options.answerDeadlineMs,
    maxUnreadBytes: options.maxUnreadBytes,
  });
  return { ...running, log, close: async () => void (await running.shutdown(1000)) };
}

/** A real SDK client over Streamable HTTP; extra headers go on every request (auth, credentials). */
export async function connectHttpClient(
  url: string,
  headers: Record<string, string> = {},
  era: TestEra = testEra(),
): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = newClient('http-test-client', era);
  await client.connect(transport);
  expectEra(client, era);
  return client;
}

/**
 * The JSON-RPC message of a raw /mcp response: the body itself (JSON), or the last `data:` event
 * of an SSE stream (the SDK streams 2025-era answers, and 2026-era ones that notify first).
 */
export async function rpcBody<T = Record<string, unknown>>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    return JSON.parse(text) as T;
  }
  const events = text
    .split(/\n\n/)
    .map((event) =>
      event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter((data) => data !== '');
  const last = events.at(-1);
  if (last === undefined) throw new Error(`no data event in ${JSON.stringify(text)}`);
  return JSON.parse(last) as T;
}

/** What a Streamable HTTP client sends with every POST after initialization. */
export const MCP_POST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

/** A raw POST to /mcp with the headers a Streamable HTTP client sends. */
export function postMcp(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...MCP_POST_HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

export interface HttpBin {
  url: string;
  child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * The built bin in remote mode on a free port, stdin closed from the start (as a service manager
 * runs it); resolves once the start-up line names the URL.
 */
export async function spawnHttpBin(
  args: string[],
  env: Record<string, string>,
  /** Another command line and directory (the Dockerfile's CMD in a copy of the image's files). */
  command: { argv: string[]; cwd: string } = {
    argv: [process.execPath, BIN, '--http', '--port', '0'],
    cwd: process.cwd(),
  },
): Promise<HttpBin> {
  const [file, ...rest] = command.argv as [string, ...string[]];
  const child = spawn(file, [...rest, ...args], {
    env: { ...BASE_ENV, ...env },
    cwd: command.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = / over HTTP at (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) =>
      reject(new Error(`the bin exited (${code}) before serving: ${stderr}`)),
    );
  });
  return {
    url,
    child,
    stderr: () => stderr,
    exited,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * A POST with headers exactly as listed, repeats included (fetch and node:http's object form would
 * merge a repeated header into one); Host is `localhost:<port>` unless listed.
 */
export async function postWithRawHeaders(
  url: string,
  body: unknown,
  headers: [string, string][],
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  const { request } = await import('node:http');
  const target = new URL(url);
  const all: [string, string][] = [
    ...Object.entries(MCP_POST_HEADERS),
    ...(headers.some(([name]) => name.toLowerCase() === 'host')
      ? []
      : [['host', `localhost:${target.port}`] as [string, string]]),
    ...headers,
  ];
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        // node:http sends an array of [name, value, name, value, …] as given.
        headers: all.flat() as unknown as Record<string, string>,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}
