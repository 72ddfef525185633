/**
 * The fault matrix again, through the built bin over stdio (one process for the whole sweep):
 * the process survives every fault, stdout carries only JSON-RPC, and no key or auth header value
 * appears in any result or stderr line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROVIDER_IDS } from '../../src/providers/registry.js';
import type { ProviderId } from '../../src/providers/types.js';
import type { Fault } from '../../src/sandbox/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { MAX_STDIO_CALLS, MAX_UNREAD_BYTES } from '../../src/transport/input-bound.js';
import { createCapture, secretForms } from '../helpers/capture.js';
import { structured, toolError } from '../helpers/mcp.js';
import { BIN, type RawPeer, spawnClient, spawnRaw } from '../helpers/process.js';
import {
  expectHealthy,
  HOSTILE_STRINGS,
  PROVIDER_CASES,
  type ProviderCase,
} from '../helpers/reliability.js';
import { BASE_ENV } from '../helpers/run.js';
import { sandboxEnv } from '../helpers/sandbox.js';

/** Waits are generous (shared, noisy machines); vi.waitFor, as expect.poll needs a test context. */
const POLL = { timeout: 5000 };
/** Short, for the stall rows; long enough that a loaded machine's normal answer is not cut. */
const TIMEOUT_MS = 1500;
const MB = 1024 * 1024;

const started = {} as Record<ProviderId, ProviderEmulator>;
beforeAll(async () => {
  for (const pc of PROVIDER_CASES) started[pc.id] = await pc.start();
});
afterAll(async () => {
  for (const sandbox of Object.values(started)) await sandbox.close();
});

/** The bin's environment: all three providers on their emulators, short timeout, 2 retries. */
function serverEnv(): Record<string, string> {
  return {
    ...sandboxEnv(started),
    BILLING_MCP_TIMEOUT_MS: String(TIMEOUT_MS),
    BILLING_MCP_MAX_RETRIES: '2',
  };
}

const keys = () => Object.values(started).map((s) => s.settings.apiKey);

/** One row of the matrix, compact: the faults queued, and the outcome expected. */
interface Row {
  name: string;
  faults: (pc: ProviderCase) => Fault[];
  expected: 'ok' | string;
  operation?: 'get';
}

const times = (n: number, fault: Fault) => Array.from({ length: n }, () => fault);
const shape = (pc: ProviderCase, status: number) => {
  const found = pc.errorShapes.find((s) => s.status === status && s.json !== undefined);
  return { respond: { status, json: found?.json } };
};

const ROWS: Row[] = [
  {
    name: '429 with Retry-After: 1, then success',
    faults: () => [{ respond: { status: 429, json: {}, headers: { 'retry-after': '1' } } }],
    expected: 'ok',
  },
  {
    name: '429 with Retry-After beyond the cap',
    faults: () => [
      {
        respond: {
          status: 429,
          json: {},
          headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() },
        },
      },
    ],
    expected: 'rate_limited',
  },
  {
    name: '503 then success',
    faults: () => [{ respond: { status: 503, text: 'down' } }],
    expected: 'ok',
  },
  {
    name: '502 persistently',
    faults: () => times(3, { respond: { status: 502, text: 'bad gateway' } }),
    expected: 'upstream_error',
  },
  { name: 'reset, then success', faults: () => [{ reset: true }], expected: 'ok' },
  {
    name: 'reset persistently',
    faults: () => times(3, { reset: true }),
    expected: 'upstream_error',
  },
  { name: 'headers never arrive', faults: () => [{ hang: 'headers' }], expected: 'timeout' },
  { name: 'body stalls half way', faults: () => [{ hang: 'body' }], expected: 'timeout' },
  {
    name: '200 with HTML',
    faults: () => [
      { respond: { status: 200, text: '<html>oops</html>', contentType: 'text/html' } },
    ],
    expected: 'upstream_invalid_response',
  },
  {
    name: '200 with a 50 MB body',
    faults: () => [{ hugeBodyBytes: 50 * MB }],
    expected: 'upstream_invalid_response',
  },
  { name: '400', faults: (pc) => [shape(pc, 400)], expected: 'upstream_error' },
  { name: '401', faults: (pc) => [shape(pc, 401)], expected: 'unauthorized' },
  { name: '403', faults: (pc) => [shape(pc, 403)], expected: 'unauthorized' },
  { name: '404', faults: (pc) => [shape(pc, 404)], expected: 'not_found', operation: 'get' },
];

describe('the built bin over stdio, under the fault matrix', { timeout: 15_000 }, () => {
  const capture = createCapture();
  let server: Awaited<ReturnType<typeof spawnClient>>;

  beforeAll(async () => {
    server = await spawnClient(serverEnv(), capture);
  });
  afterAll(async () => {
    await server.close();
  });

  const call = async (name: string, args: Record<string, unknown>, signal?: AbortSignal) => {
    const result = (await server.client.callTool(
      { name, arguments: args },
      {
        signal,
      },
    )) as CallToolResult;
    capture.add(result);
    return result;
  };

  // The three providers' sweeps run side by side over the one connection; rows run in order.
  describe.concurrent.each(PROVIDER_CASES)('$id', (pc) => {
    describe.sequential('rows', () => {
      it.each(ROWS)('$name → the expected outcome, then the same process answers', async (row) => {
        const { emulator } = started[pc.id];
        emulator.clearFaults();
        emulator.inject(...row.faults(pc));
        const result =
          row.operation === 'get'
            ? await call(`${pc.id}_get_customer`, { id: 'cus_stdio_missing' })
            : await call(`${pc.id}_list_customers`, { take: 2 });
        if (row.expected === 'ok') structured(result);
        else expect(toolError(result)).toMatchObject({ code: row.expected, provider: pc.id });
        emulator.clearFaults();
        await expectHealthy(server.client, pc.id);
      });

      it('a cancelled call aborts the upstream request', async () => {
        const { emulator } = started[pc.id];
        emulator.clearLog();
        emulator.inject({ hang: 'headers' });
        const controller = new AbortController();
        const pending = call(`${pc.id}_list_customers`, { take: 2 }, controller.signal);
        await vi.waitFor(() => expect(emulator.requests.length).toBe(1), POLL);
        controller.abort();
        await expect(pending).rejects.toThrow();
        await vi.waitFor(() => expect(emulator.requests[0]?.closedEarly).toBe(true), POLL);
        emulator.clearFaults();
        await expectHealthy(server.client, pc.id);
      });

      it('hostile ids get a coded answer about the input', async () => {
        for (const id of HOSTILE_STRINGS) {
          const result = await call(`${pc.id}_get_customer`, { id });
          if (result.isError) {
            expect(['invalid_argument', 'not_found']).toContain(toolError(result).code);
          }
        }
        await expectHealthy(server.client, pc.id);
      });
    });
  });

  it('is still alive, logged no unhandled rejection or exception, and leaked no key anywhere', async () => {
    expect(() => process.kill(server.pid, 0)).not.toThrow();
    expect(server.errors.map(String)).toEqual([]);
    const stderr = capture.texts.filter((text) => !text.startsWith('{'));
    expect(stderr.join('')).toContain(`serving ${PROVIDER_IDS.join(', ')}`);
    expect(stderr.join('')).not.toMatch(/unhandled rejection|uncaught exception|unexpected error/);
    expect(capture.leaks(secretForms(keys()))).toEqual([]);
  });
});

describe('stdout of the built bin under faults and garbage input', () => {
  it('every stdout line is a JSON-RPC 2.0 message, and the process exits 0 when stdin closes', {
    timeout: 20_000,
  }, async () => {
    const peer = spawnRaw(serverEnv());
    const { quentli, maple } = started;
    const init = await peer.request(1, 'initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'raw', version: '0' },
    });
    expect(init).toMatchObject({
      id: 1,
      result: { serverInfo: { name: 'billing-customers-mcp' } },
    });
    peer.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    peer.sendRaw('this is not JSON');
    peer.sendRaw('{"jsonrpc":"2.0","id":');
    peer.sendRaw('[]');
    const unknown = await peer.request(2, 'no/such/method');
    expect(unknown).toHaveProperty('error');
    const tool = (id: number, name: string, args: unknown) =>
      peer.request(id, 'tools/call', { name, arguments: args });

    const huge = await tool(3, 'quentli_list_customers', { name: 'n'.repeat(3 * MB) });
    expect(JSON.stringify(huge)).toContain('invalid_argument');

    quentli.emulator.inject({ hang: 'headers' });
    const before = quentli.emulator.requests.length;
    void tool(4, 'quentli_list_customers', { take: 2 });
    await vi.waitFor(() => expect(quentli.emulator.requests.length).toBe(before + 1), POLL);
    peer.send({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 4, reason: 'test' },
    });
    await vi.waitFor(() => expect(quentli.emulator.requests[before]?.closedEarly).toBe(true), POLL);

    maple.emulator.inject({ hugeBodyBytes: 20 * MB });
    expect(JSON.stringify(await tool(5, 'maple_list_customers', { take: 2 }))).toContain(
      'upstream_invalid_response',
    );
    maple.emulator.inject({
      respond: { status: 200, text: '{"results":[', contentType: 'application/json' },
    });
    expect(JSON.stringify(await tool(6, 'maple_list_customers', { take: 2 }))).toContain(
      'upstream_invalid_response',
    );
    expect(JSON.stringify(await tool(7, 'flexprice_get_customer', { id: '\u0000../x' }))).toContain(
      'invalid_argument',
    );
    const ok = await tool(8, 'flexprice_list_customers', { take: 2 });
    expect(ok).toMatchObject({ id: 8, result: { structuredContent: { returned: 2 } } });

    expect(await peer.end()).toBe(0);
    expect(peer.lines.length).toBeGreaterThanOrEqual(7);
    for (const line of peer.lines) {
      const message = JSON.parse(line) as Record<string, unknown>;
      expect(message.jsonrpc).toBe('2.0');
      expect('id' in message || 'method' in message).toBe(true);
    }
    // The cancelled request got no answer (MCP: a cancelled request is not answered).
    expect(peer.lines.map((line) => JSON.parse(line).id)).not.toContain(4);
    const stderr = peer.stderr.join('');
    expect(stderr).not.toMatch(/unhandled rejection|uncaught exception/);
    for (const secret of secretForms(keys())) expect(stderr).not.toContain(secret);
    for (const secret of secretForms(keys())) expect(peer.lines.join('\n')).not.toContain(secret);
  });
});

/** initialize + initialized over a raw peer. */
async function handshake(peer: RawPeer): Promise<void> {
  await peer.request(1, 'initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw', version: '0' },
  });
  peer.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

/** The message answering `id`, for requests sent raw (not through peer.request). */
async function answerTo(peer: RawPeer, id: number) {
  const find = () => peer.lines.map((line) => JSON.parse(line)).find((m) => m.id === id);
  await vi.waitFor(() => expect(find()).toBeDefined(), POLL);
  return find();
}

/** The customer rows of a list answer, whichever provider's shape it has. */
function rowsOf(json: unknown): Record<string, unknown>[] {
  if (Array.isArray(json)) return json;
  const body = json as { items?: unknown; results?: unknown };
  return (body.items ?? body.results ?? []) as Record<string, unknown>[];
}

describe('results bounded under the SDK stdio client limit', {
  timeout: 60_000,
}, () => {
  const capture = createCapture();
  let server: Awaited<ReturnType<typeof spawnClient>>;
  beforeAll(async () => {
    server = await spawnClient({ ...serverEnv(), BILLING_MCP_TIMEOUT_MS: '10000' }, capture);
  });
  afterAll(() => server.close());

  it.each(PROVIDER_CASES)(
    '$id: a 5 MiB name arrives cut to 32 Ki characters with a marker; the session lives',
    async (pc) => {
      const { emulator } = started[pc.id];
      emulator.inject({
        rewrite: (answer) => {
          // A copy: the emulator may answer with its stored records.
          const json = structuredClone(answer.json);
          const first = rowsOf(json)[0];
          if (first) first.name = 'N'.repeat(5 * MB);
          return { ...answer, json };
        },
      });
      const result = (await server.client.callTool({
        name: `${pc.id}_list_customers`,
        arguments: { take: 3 },
      })) as CallToolResult;
      const page = structured<{ items: { name: string }[] }>(result);
      const name = page.items[0]?.name ?? '';
      expect(name).toMatch(/^N+…\[cut: \d+ chars\]$/);
      expect(name.length).toBeLessThan(33 * 1024);
      await expectHealthy(server.client, pc.id);
      expect(server.errors.map(String)).toEqual([]);
    },
  );

  it.each(PROVIDER_CASES)(
    '$id: take 100, detail full at ~55 KB per row: a coded error saying how to ask for less; the session lives',
    async (pc) => {
      const { emulator } = started[pc.id];
      const blob = Object.fromEntries(
        Array.from({ length: 55 }, (_, i) => [`f${i}`, String(i).repeat(1000).slice(0, 1000)]),
      );
      emulator.inject({
        rewrite: (answer) => {
          const json = structuredClone(answer.json);
          for (const row of rowsOf(json)) row.notes_blob = blob;
          return { ...answer, json };
        },
      });
      const result = await server.client.callTool({
        name: `${pc.id}_list_customers`,
        arguments: { take: 100, detail: 'full' },
      });
      const error = toolError(result);
      expect(error, error.message).toMatchObject({
        code: 'upstream_error',
        provider: pc.id,
        retryable: false,
      });
      expect(error.message).toMatch(/too large.*take \d+ or less.*detail "summary"/);
      await expectHealthy(server.client, pc.id);
      expect(server.errors.map(String)).toEqual([]);
    },
  );
});

describe('malformed tools/call requests', () => {
  it('non-object arguments → invalid_argument; params missing, not an object or without a name → -32602; each in one line', {
    timeout: 20_000,
  }, async () => {
    const peer = spawnRaw(serverEnv());
    await handshake(peer);
    let id = 10;
    for (const args of [null, [], 'str', 5, true]) {
      const answer = await peer.request(++id, 'tools/call', {
        name: 'quentli_list_customers',
        arguments: args,
      });
      const error = toolError(answer.result);
      expect(error.code, JSON.stringify(args)).toBe('invalid_argument');
      expect(error.message).toMatch(/^arguments: must be an object/);
      expect(error.message).not.toContain('\n');
    }
    for (const params of [undefined, {}, { name: 5 }, { arguments: {} }, null, [], 'str', 5]) {
      const current = ++id;
      const body = params === undefined ? {} : { params };
      peer.send({ jsonrpc: '2.0', id: current, method: 'tools/call', ...body });
      const answer = await answerTo(peer, current);
      const error = answer.error as { code: number; message: string };
      expect(error.code, JSON.stringify(params)).toBe(-32602);
      expect(error.message).not.toContain('\n');
    }
    expect(await peer.request(++id, 'ping')).toMatchObject({ result: {} });
    expect(await peer.end()).toBe(0);
  });
});

describe('a client that does not read its answers', () => {
  it('the server stops reading requests once answers pile up unread, then answers every one when read', {
    timeout: 60_000,
  }, async () => {
    const child = spawn(process.execPath, [BIN], {
      // A patient timeout: the subject is large answers left unread, and on a loaded machine 64
      // calls at once can outlast the short one, whose small timeout errors would fit any bound.
      env: { PATH: process.env.PATH ?? '', ...serverEnv(), BILLING_MCP_TIMEOUT_MS: '30000' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    child.stdout.pause();
    const write = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
    write({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'r', version: '0' },
      },
    });
    write({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const { emulator } = started.maple;
    const before = emulator.requests.length;
    // Past the level (64 in flight plus about 38 answers of 118 KB in the unread bound), with
    // room; larger pages or more calls only make the server write more.
    const total = 150;
    for (let id = 1; id <= total; id++) {
      const params = { name: 'maple_list_customers', arguments: { take: 50, detail: 'full' } };
      write({ jsonrpc: '2.0', id, method: 'tools/call', params });
    }
    // Unread, the answers stop the reading: the calls reaching the provider level off short of
    // those sent, and stay there. Wait for the level (no new call for a second), however slow
    // the machine, rather than a fixed time.
    const reached = () => emulator.requests.length - before;
    let whileUnread = -1;
    while (whileUnread !== reached() || whileUnread === 0) {
      whileUnread = reached();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(whileUnread).toBeLessThan(total);
    // Read, every request is answered.
    let answered = 0;
    let smallest = Number.POSITIVE_INFINITY;
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!/"id":\d+/.test(line) || !line.includes('"result"')) continue;
        answered++;
        if (line.includes('"structuredContent"')) smallest = Math.min(smallest, line.length + 1);
      }
    });
    child.stdout.resume();
    await vi.waitFor(() => expect(answered).toBe(total + 1), { timeout: 40_000 });
    // The level is the bound: the calls in flight, plus the answers that fit the unread bytes
    // (and the pipe's own 64 KiB, and what this side buffered before pausing).
    expect(smallest).toBeGreaterThan(100_000);
    const fit = Math.ceil((MAX_UNREAD_BYTES + 2 * 64 * 1024) / smallest) + 1;
    expect(whileUnread).toBeLessThanOrEqual(MAX_STDIO_CALLS + fit);
    child.stdin.end();
    await new Promise((resolve) => child.on('exit', resolve));
  });
});

describe('malformed requests get a one-line JSON-RPC error', () => {
  it('bad _meta, progressToken, jsonrpc, method, ids, a batch, a bogus log level: each answered, naming its id when readable; a BOM is ignored', {
    timeout: 20_000,
  }, async () => {
    const peer = spawnRaw(serverEnv());
    await handshake(peer);
    const cases: [unknown, string | number | null, number][] = [
      [{ jsonrpc: '2.0', id: 31, method: 'tools/list', params: { _meta: 5 } }, 31, -32602],
      [{ jsonrpc: '2.0', id: 32, method: 'tools/list', params: { _meta: null } }, 32, -32602],
      [
        { jsonrpc: '2.0', id: 33, method: 'tools/list', params: { _meta: { progressToken: {} } } },
        33,
        -32602,
      ],
      [{ jsonrpc: '1.0', id: 34, method: 'tools/list' }, 34, -32600],
      [{ id: 35, method: 'tools/list' }, 35, -32600],
      [{ jsonrpc: '2.0', id: 36, method: 5 }, 36, -32600],
      [
        { jsonrpc: '2.0', id: 'b', method: 'logging/setLevel', params: { level: 'loud' } },
        'b',
        -32602,
      ],
      [[{ jsonrpc: '2.0', id: 37, method: 'tools/list' }], 37, -32600],
    ];
    /** The next error answer written after line `from` (log notifications may come between). */
    const nextError = async (from: number) => {
      let found: { id: unknown; error: { code: number; message: string } } | undefined;
      await vi.waitFor(() => {
        found = peer.lines
          .slice(from)
          .map((line) => JSON.parse(line))
          .find((m) => m.error !== undefined);
        expect(found).toBeDefined();
      }, POLL);
      return found as { id: unknown; error: { code: number; message: string } };
    };
    for (const [message, id, code] of cases) {
      const before = peer.lines.length;
      peer.send(message);
      const answer = await nextError(before);
      expect(answer.id, JSON.stringify(message)).toBe(id);
      expect(answer.error.code, JSON.stringify(message)).toBe(code);
      expect(answer.error.message).not.toContain('\n');
    }
    for (const id of [1.5, true, {}]) {
      const before = peer.lines.length;
      peer.send({ jsonrpc: '2.0', id, method: 'tools/list' });
      expect(await nextError(before)).toMatchObject({ id: null, error: { code: -32600 } });
    }
    const answered = peer.request(38, 'tools/list');
    peer.sendRaw(`\uFEFF${JSON.stringify({ jsonrpc: '2.0', id: 39, method: 'tools/list' })}`);
    expect((await answered).result).toBeDefined();
    expect(await answerTo(peer, 39)).toMatchObject({ result: { tools: expect.any(Array) } });
    expect(await peer.end()).toBe(0);
  });
});

describe('input lines past the SDK stdio limit', () => {
  it('an 11 MiB request is refused with a JSON-RPC error for its id, a 25 MiB one without a readable id on stderr, and the server keeps serving', {
    timeout: 30_000,
  }, async () => {
    const peer = spawnRaw(serverEnv());
    await handshake(peer);
    const call = (id: number, name: string) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"quentli_list_customers","arguments":{"name":"${name}"}}}`;
    peer.sendRaw(call(7, 'n'.repeat(11 * MB)));
    const refused = await answerTo(peer, 7);
    expect(refused.error.code).toBe(-32600);
    expect(refused.error.message).toContain('too large');
    // The id after params cannot be read from the start of the line: refused on stderr only.
    peer.sendRaw(
      `{"jsonrpc":"2.0","method":"ping","params":{"x":"${'p'.repeat(25 * MB)}"},"id":8}`,
    );
    expect(await peer.request(9, 'ping')).toMatchObject({ id: 9, result: {} });
    const ok = await peer.request(10, 'tools/call', {
      name: 'quentli_list_customers',
      arguments: { take: 2 },
    });
    expect(ok).toMatchObject({ id: 10, result: { structuredContent: { returned: 2 } } });
    expect(peer.stderr.join('')).toMatch(
      /refused an input message of \d+ bytes.*no readable request id/,
    );
    expect(peer.lines.map((l) => JSON.parse(l).id)).not.toContain(8);
    expect(await peer.end()).toBe(0);
  });
});

describe('the process-level guard (CONTRACT §6)', () => {
  it.each([
    ['a thrown timer', 'exception', 'uncaught exception: Error: stray exception with [redacted]'],
    [
      'a stray rejection',
      'rejection',
      'unhandled rejection: Error: stray rejection with [redacted]',
    ],
  ])(
    '%s is logged (keys redacted) and ends the process non-zero',
    {
      timeout: 20_000,
    },
    async (_, kind, logged) => {
      const preload = fileURLToPath(new URL('../helpers/misbehave.mjs', import.meta.url));
      const peer = spawnRaw({ ...serverEnv(), MISBEHAVE: kind }, ['--import', preload]);
      const exited = new Promise<number | null>((resolve) => peer.child.on('exit', resolve));
      await handshake(peer);
      expect(await exited).toBe(1);
      const stderr = peer.stderr.join('');
      expect(stderr).toContain(logged);
      for (const secret of secretForms(keys())) expect(stderr).not.toContain(secret);
      for (const line of peer.lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    },
  );

  it("a client that closes the server's stdout: the next answer ends the process quietly, exit 0", {
    timeout: 20_000,
  }, async () => {
    const peer = spawnRaw(serverEnv());
    const exited = new Promise<number | null>((resolve) => peer.child.on('exit', resolve));
    await handshake(peer);
    peer.child.stdout.destroy();
    peer.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    peer.send({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
    expect(await exited).toBe(0);
    expect(peer.stderr.join('')).not.toMatch(/EPIPE|Error|at .*\(|uncaught/);
  });

  it('doctor whose reader went away (doctor | head -1): no stack trace, exit 0, every time', {
    timeout: 60_000,
  }, async () => {
    // Five at once: each process meets the closed pipe on its own.
    const runs = Array.from({ length: 5 }, async () => {
      const child = spawn(process.execPath, [BIN, 'doctor'], {
        env: { ...BASE_ENV, ...serverEnv() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // The reader reads nothing and goes away before doctor's first line is written.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { code, stderr };
    });
    for (const { code, stderr } of await Promise.all(runs)) {
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  });
});
