/**
 * A client that sends requests and never reads the answers: past a bound of unread answer bytes
 * its connection is cut, its calls' slots are released and the access log says so, while another
 * client is served all along. The non-reader is a raw node:net socket that pipelines POSTs and is
 * paused from the start, so nothing it is sent is ever read.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { postMcp, rpcBody, startHttpServer, type TestHttpServer } from '../helpers/http.js';
import { sandboxProviders } from '../helpers/sandbox.js';

/**
 * A batch of SLOTS full pages (~240 KB each) must be more than the kernel takes from a socket
 * whose peer never reads (about 3.7 MiB on Linux loopback) plus the bound.
 */
const SLOTS = 32;
const BOUND = 256 * 1024;
const FULL_PAGE = { name: 'maple_list_customers', arguments: { take: 100, detail: 'full' } };

let sandbox: Sandbox;
let server: TestHttpServer;

beforeAll(async () => {
  const setup = await sandboxProviders();
  sandbox = setup.sandbox;
  server = await startHttpServer(setup.providers, {
    settings: { maxInFlight: SLOTS },
    maxUnreadBytes: BOUND,
  });
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

/** `count` pipelined POSTs, each a batch of SLOTS full pages, on one socket that is never read. */
function neverReading(url: string, count: number): Socket {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.pause();
  socket.on('error', () => undefined);
  for (let id = 1; id <= count; id++) {
    const body = JSON.stringify(
      Array.from({ length: SLOTS }, (_, i) => ({
        jsonrpc: '2.0',
        id: `${id}-${i}`,
        method: 'tools/call',
        params: FULL_PAGE,
      })),
    );
    socket.write(
      `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\n` +
        'accept: application/json, text/event-stream\r\nmcp-protocol-version: 2025-11-25\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  return socket;
}

describe('a client that never reads its answers', () => {
  it('is cut once its unread answers pass the bound: its slots are released, the access log says unread_answers, another client is served', async () => {
    const before = server.log.length;
    // The first batch takes every slot; its answer (SLOTS pages) is never read.
    const sockets = [neverReading(server.url, 2)];
    try {
      await vi.waitFor(
        () => expect(server.log.slice(before).join('')).toContain('"error":"unread_answers"'),
        { timeout: 20_000, interval: 50 },
      );
      // Every slot is free again: a client that reads is served on all of them at once, no 503.
      const answers = await Promise.all(
        Array.from({ length: SLOTS }, (_, i) =>
          postMcp(server.url, {
            jsonrpc: '2.0',
            id: `reader-${i}`,
            method: 'tools/call',
            params: FULL_PAGE,
          }),
        ),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        const body = await rpcBody<{ result?: { isError?: boolean } }>(answer);
        expect(body.result?.isError).toBeUndefined();
      }
      // Each cut answer is logged once, with the tool it carried.
      const cut = server.log.slice(before).filter((line) => line.includes('"unread_answers"'));
      expect(cut.length).toBeGreaterThan(0);
      for (const line of cut) expect(line).toContain('"tool":"maple_list_customers"');
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  }, 30_000);
});
