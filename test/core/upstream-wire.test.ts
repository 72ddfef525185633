/**
 * Hostile upstreams, on the wire: an upstream that sends an unsolicited `100 Continue` before its
 * answer (a raw node:net server on 127.0.0.1, through the production undici pool), and integers
 * beyond 2^53 in what it answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { quoteUnsafeIntegers } from '../../src/upstream/json.js';
import { destroySharedDispatcher } from '../../src/upstream/undici.js';
import { Upstream } from '../../src/upstream/upstream.js';
import { testHttp } from '../helpers/mcp.js';

/** What the raw server writes for each request it reads (interim responses first). */
let script: (request: string) => string[] = () => [];
let server: Server;
let baseUrl: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length: *(\d+)/i.exec(buffered)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const request = buffered;
      buffered = '';
      // Each piece in its own write, a little apart: the client sees them arrive separately.
      script(request).forEach((piece, index) => {
        setTimeout(() => socket.write(piece), index * 5);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await destroySharedDispatcher();
});

function answer(status: number, body: string): string {
  return `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function upstream(): Upstream {
  return new Upstream({
    displayName: 'Example',
    providerId: 'example',
    baseUrl: `${baseUrl}/v1`,
    headers: { authorization: 'Bearer sk_live_wire_test_0123456789' },
    credentialHint: 'EXAMPLE_API_KEY',
    errorMessage: (body) => (body as { error?: string })?.error,
    // dispatcher undefined: the process-wide pool the bin uses.
    http: testHttp({ dispatcher: undefined }),
  });
}

const loose = z.looseObject({});

describe('an unsolicited 100 Continue from the upstream', () => {
  it('is skipped: GET and POST get the real answer, twice on the same kept-alive connection', async () => {
    script = () => ['HTTP/1.1 100 Continue\r\n\r\n', answer(200, '{"ok":true}')];
    const client = upstream();
    for (const method of ['GET', 'POST', 'GET'] as const) {
      const data = await client.request({
        method,
        path: '/customers',
        body: method === 'POST' ? { limit: 1 } : undefined,
        schema: loose,
      });
      expect(data, method).toEqual({ ok: true });
    }
  });

  it('is skipped when two arrive, or when it comes in the same packet as the answer, and before an error status', async () => {
    script = () => [
      `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\nx: y\r\n\r\n${answer(200, '{"n":1}')}`,
    ];
    expect(await upstream().request({ method: 'GET', path: '/a', schema: loose })).toEqual({
      n: 1,
    });
    script = () => ['HTTP/1.1 100 Continue\r\n\r\n', answer(404, '{"error":"nope"}')];
    const error = await upstream()
      .request({ method: 'GET', path: '/b', schema: loose })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'not_found' });
  });
});

describe('integers beyond 2^53 in upstream data', () => {
  it('keep every digit, as strings; safe integers and fractions stay numbers', async () => {
    script = () => [
      answer(
        200,
        '{"big":12345678901234567891,"neg":-98765432109876543210,"safe":9007199254740991,"f":1.2345678901234567e30,"in":"12345678901234567891","list":[18446744073709551615]}',
      ),
    ];
    const data = await upstream().request({ method: 'GET', path: '/c', schema: loose });
    expect(data).toEqual({
      big: '12345678901234567891',
      neg: '-98765432109876543210',
      safe: 9007199254740991,
      f: 1.2345678901234567e30,
      in: '12345678901234567891',
      list: ['18446744073709551615'],
    });
  });

  it('the rewrite leaves strings (escaped quotes included), fractions and exponents alone', () => {
    const text =
      '{"a":"x\\"12345678901234567891","b":12345678901234567891.5,"c":12345678901234567891e2,"d":[-12345678901234567891]}';
    expect(quoteUnsafeIntegers(text)).toBe(
      '{"a":"x\\"12345678901234567891","b":12345678901234567891.5,"c":12345678901234567891e2,"d":["-12345678901234567891"]}',
    );
  });
});
