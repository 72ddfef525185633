/** The three hardening probes of ./hardening.ts, each on a server process of its own. */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverEnv } from '../lib/context.js';
import { eraHeaders } from '../lib/era.js';
import { HttpPeer } from '../lib/http-peer.js';
import { PROTOCOL_VERSION, readStatusKb } from '../lib/stdio-peer.js';

const FULL_PAGE = { name: 'maple_list_customers', arguments: { take: 100, detail: 'full' } };
const POST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  ...eraHeaders(PROTOCOL_VERSION, 'tools/call'),
};
const mib = (kb: number) => kb / 1024;

interface KeyProbe {
  keyLength: number;
  keyTimeoutMs: number;
}

/**
 * Header-credential mode: tools/list with a key of punctuation; the time until it is answered,
 * and how long a /healthz sent 50 ms after it waits (the event loop is blocked or it is not).
 */
export async function bigKeyToolsList(
  entry: string,
  config: KeyProbe,
): Promise<{ ms: number; answered: boolean; status?: number; healthzMs: number }> {
  const env = { ...serverEnv({}), BILLING_MCP_HTTP_CREDENTIALS: 'headers' };
  const server = await HttpPeer.spawn(
    'headers mode',
    process.execPath,
    [entry, '--http', '--port', '0'],
    env,
  );
  const key = '~!*'.repeat(Math.ceil(config.keyLength / 3)).slice(0, config.keyLength);
  const started = performance.now();
  const healthz = sleep(50).then(async () => {
    const sent = performance.now();
    const health = new URL('/healthz', server.url);
    await fetch(health, { signal: AbortSignal.timeout(config.keyTimeoutMs) })
      .then((r) => r.text())
      .catch(() => undefined);
    return performance.now() - sent;
  });
  try {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { ...POST_HEADERS, 'x-quentli-api-key': key },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      signal: AbortSignal.timeout(config.keyTimeoutMs),
    });
    await response.text();
    const ms = performance.now() - started;
    return { ms, answered: true, status: response.status, healthzMs: await healthz };
  } catch {
    return { ms: performance.now() - started, answered: false, healthzMs: await healthz };
  } finally {
    await server.kill();
  }
}

interface SocketProbe {
  sockets: number;
  batchesPerSocket: number;
  callsPerBatch: number;
  /** A normal call is tried every second until it is served, or this has passed. */
  holdMs: number;
}

/**
 * Sockets that pipeline batches of full pages and never read; meanwhile a normal call every
 * second until one is served: how long after the sockets' start, and the server's peak RSS then.
 */
export async function neverReadingHttp(
  entry: string,
  env: NodeJS.ProcessEnv,
  config: SocketProbe,
): Promise<{
  rssBeforeMiB: number;
  rssAfterMiB: number;
  servedAfterMs: number | null;
  lastStatus: number;
}> {
  const server = await HttpPeer.spawn(
    'never-read',
    process.execPath,
    [entry, '--http', '--port', '0'],
    env,
  );
  const sockets: Socket[] = [];
  try {
    await normalCall(server.url);
    const rssBeforeMiB = mib(readStatusKb(server.pid, 'VmRSS'));
    const started = performance.now();
    for (let s = 0; s < config.sockets; s++) sockets.push(neverReading(server.url, config));
    let servedAfterMs: number | null = null;
    let lastStatus = 0;
    while (servedAfterMs === null && performance.now() - started < config.holdMs) {
      await sleep(1000);
      const caller = await normalCall(server.url);
      lastStatus = caller.status;
      if (caller.served) servedAfterMs = performance.now() - started;
    }
    const rssAfterMiB = mib(readStatusKb(server.pid, 'VmHWM'));
    return { rssBeforeMiB, rssAfterMiB, servedAfterMs, lastStatus };
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.kill();
  }
}

function neverReading(url: string, config: SocketProbe): Socket {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.pause();
  socket.on('error', () => undefined);
  const head = Object.entries({ ...POST_HEADERS, host: `${hostname}:${port}` })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  for (let batch = 0; batch < config.batchesPerSocket; batch++) {
    const body = JSON.stringify(
      Array.from({ length: config.callsPerBatch }, (_, i) => ({
        jsonrpc: '2.0',
        id: `${batch}-${i}`,
        method: 'tools/call',
        params: FULL_PAGE,
      })),
    );
    socket.write(
      `POST ${pathname} HTTP/1.1\r\n${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  return socket;
}

async function normalCall(url: string): Promise<{ status: number; ms: number; served: boolean }> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: POST_HEADERS,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 'normal',
        method: 'tools/call',
        params: { name: 'maple_list_customers', arguments: { take: 1 } },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    const served = response.status === 200 && text.includes('"result"');
    return { status: response.status, ms: performance.now() - started, served };
  } catch {
    return { status: 0, ms: performance.now() - started, served: false };
  }
}

interface StdioProbe {
  stdioRequests: number;
  stdioMs: number;
  stdioRssCapMiB: number;
}

/** stdio: initialize, then `stdioRequests` full pages with stdout never read; peak RSS. */
export async function neverReadingStdio(
  entry: string,
  env: NodeJS.ProcessEnv,
  config: StdioProbe,
): Promise<{ startMiB: number; peakMiB: number; capped: boolean; ms: number }> {
  const child = spawn(process.execPath, [entry], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdin.on('error', () => undefined);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const line = (message: unknown) => `${JSON.stringify(message)}\n`;
    child.stdin.write(
      line({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: 'b', version: '0' },
        },
      }),
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.pause();
    child.stdin.write(line({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    const startMiB = mib(readStatusKb(child.pid ?? -1, 'VmRSS'));
    for (let id = 1; id <= config.stdioRequests; id++) {
      child.stdin.write(line({ jsonrpc: '2.0', id, method: 'tools/call', params: FULL_PAGE }));
    }
    const started = performance.now();
    let peakMiB = startMiB;
    let peakAt = started;
    for (;;) {
      await sleep(250);
      const now = performance.now();
      const peak = mib(readStatusKb(child.pid ?? -1, 'VmHWM'));
      if (peak > peakMiB + 1) [peakMiB, peakAt] = [peak, now];
      if (peakMiB >= config.stdioRssCapMiB)
        return { startMiB, peakMiB, capped: true, ms: now - started };
      // Flat for 10 s (bounded, or done), or out of time.
      if (now - peakAt > 10_000 || now - started > config.stdioMs)
        return { startMiB, peakMiB, capped: false, ms: now - started };
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
