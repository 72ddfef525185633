/**
 * The upstream fault matrix (CONTRACT §5, docs/reliability.md): every fault, for every provider,
 * through the real HTTP layer against the provider's emulator on 127.0.0.1, seen by a real MCP
 * client. After every test the same server must answer a normal call correctly (afterEach).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Emulator, Fault } from '../../src/sandbox/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { bindProviderTools } from '../../src/tools/register.js';
import { backoffDelayMs } from '../../src/upstream/retry.js';
import { captureStderr, createCapture, secretForms } from '../helpers/capture.js';
import { skippingClock } from '../helpers/clock.js';
import { connectClient, structured, testHttp, toolError } from '../helpers/mcp.js';
import {
  closedPort,
  ECHO_STATUSES,
  ECHOES,
  expectHealthy,
  forward,
  onDocumentedRoute,
  onPort,
  PROVIDER_CASES,
  sentCredential,
} from '../helpers/reliability.js';

/** Waits are generous (shared, noisy machines); vi.waitFor, as expect.poll needs a test context. */
const POLL = { timeout: 5000 };
/** The stall rows' timeout: small, so they stay quick, and "within the timeout" still means much. */
const TIMEOUT_MS = 600;
/**
 * Every other row's: on a loaded machine a normal answer can take longer than 600 ms, and a row
 * that expects a 429 or a 502 must not see a timeout instead.
 */
const PATIENT_MS = 10_000;
const RETRIES = 2;
/** Generous: shared, noisy machines. Bounds prove "bounded", never "fast". */
const SLACK_MS = 2000;
const MARKER = 'RAW-BODY-MARKER';

const capture = createCapture();
const keys: string[] = [];
let restoreStderr: () => void;
beforeAll(() => {
  restoreStderr = captureStderr(capture);
});
afterAll(() => {
  restoreStderr();
  expect(capture.texts.length).toBeGreaterThan(0);
  expect(capture.leaks(secretForms(keys))).toEqual([]);
  // The diagnostics the faults provoke were captured, not printed: exactly the expected lines.
  const lines = capture.texts
    .filter((text) => text.startsWith('billing-customers-mcp: '))
    .join('')
    .split('\n')
    .filter(Boolean);
  const diagnostic =
    /^billing-customers-mcp: (Quentli|Flexprice|Maple Billing) (GET|POST) \S+: (a body that is not JSON|JSON of an unexpected shape \(\d+ schema issues?\))$/;
  for (const line of lines) expect(line).toMatch(diagnostic);
  for (const pc of PROVIDER_CASES) {
    const own = lines.filter((line) =>
      line.startsWith(`billing-customers-mcp: ${pc.displayName} `),
    );
    expect(
      own.some((line) => line.endsWith('a body that is not JSON')),
      pc.id,
    ).toBe(true);
    expect(
      own.some((line) => line.includes('JSON of an unexpected shape')),
      pc.id,
    ).toBe(true);
  }
});

const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
};

// Providers run side by side (each has its own emulator); within a provider, rows run in order.
// The timeout only catches a hang: a loaded machine may take several seconds for the echo rows
// (up to 72 calls each), and how fast the server is belongs to the benchmark.
describe.concurrent.each(PROVIDER_CASES)(
  '$id: upstream fault matrix',
  { timeout: 60_000 },
  (pc) => {
    let sandbox: ProviderEmulator;
    let emulator: Emulator;
    let client: Client;
    /** The same provider with the short timeout, for the stall rows. */
    let hasty: Client;
    const closers: (() => Promise<unknown>)[] = [];
    // The waits between attempts are recorded and skipped; the cancellation row below and
    // rate-limit-burst.test.ts wait on the real clock.
    const clock = skippingClock();
    const waitsDuring = async <T>(work: () => Promise<T>) => {
      const from = clock.waits.length;
      const value = await work();
      return { value, waits: clock.waits.slice(from) };
    };

    async function call(name: string, args: Record<string, unknown>, on = client) {
      const result = (await on.callTool({ name, arguments: args })) as CallToolResult;
      capture.add(result);
      return result;
    }
    const list = (on = client) => call(`${pc.id}_list_customers`, { take: 2 }, on);
    const get = (id: string) => call(`${pc.id}_get_customer`, { id });
    const answer = (status: number, extra: Partial<Fault['respond']> = {}): Fault => ({
      respond: { status, json: { error: { message: `status ${status}` } }, ...extra },
    });
    const statuses = () => emulator.requests.map((r) => r.status);

    beforeAll(async () => {
      sandbox = await pc.start();
      emulator = sandbox.emulator;
      keys.push(sandbox.settings.apiKey);
      const http = testHttp({ timeoutMs: PATIENT_MS, maxRetries: RETRIES, clock });
      client = await connectClient([pc.create(sandbox.settings, http)]);
      const short = testHttp({ timeoutMs: TIMEOUT_MS, maxRetries: RETRIES, clock });
      hasty = await connectClient([pc.create(sandbox.settings, short)]);
    });
    afterEach(async () => {
      emulator.clearFaults();
      emulator.latencyMs = 0;
      for (const request of emulator.requests) expect(onDocumentedRoute(pc, request)).toBe(true);
      emulator.clearLog();
      // After every fault, the same server process answers the next call correctly.
      await expectHealthy(client, pc.id);
      emulator.clearLog();
    });
    afterAll(async () => {
      await client.close();
      await hasty.close();
      for (const close of closers) await close();
      await sandbox.close();
    });

    describe.sequential('429 rate limited', () => {
      it('429 with Retry-After: 1, then success: retried after the wait, succeeds', async () => {
        emulator.inject(answer(429, { headers: { 'retry-after': '1' } }));
        const { value, waits } = await waitsDuring(() => list());
        expect(structured<{ returned: number }>(value).returned).toBe(2);
        expect(statuses().slice(0, 2)).toEqual([429, 200]);
        expect(waits).toEqual([1000]);
      });

      it('429 with an HTTP-date Retry-After, then success: the date is honoured', async () => {
        const date = new Date(clock.now() + 3000).toUTCString();
        emulator.inject(answer(429, { headers: { 'retry-after': date } }));
        const { value, waits } = await waitsDuring(() => list());
        expect(structured<{ returned: number }>(value).returned).toBe(2);
        expect(statuses().slice(0, 2)).toEqual([429, 200]);
        // An HTTP date has whole seconds: now + 3 s is 2 to 3 s away when it arrives (a
        // loaded machine may take up to a second more to send the request).
        expect(waits).toHaveLength(1);
        expect(waits[0]).toBeGreaterThanOrEqual(1000);
        expect(waits[0]).toBeLessThanOrEqual(3000);
      });

      it.each([
        ['seconds', () => '3600', 3600],
        ['an HTTP date', () => new Date(clock.now() + 3_600_000).toUTCString(), 3600],
        ['seconds just past the cap', () => '11', 11],
      ])(
        '429 with Retry-After in %s beyond the 10 s cap: rate_limited at once with retry_after_seconds',
        async (_, header, seconds) => {
          emulator.inject(answer(429, { headers: { 'retry-after': header() } }));
          const { value, ms } = await timed(() => list());
          const error = toolError(value);
          expect(error).toMatchObject({ code: 'rate_limited', provider: pc.id, retryable: true });
          expect(error.http_status).toBe(429);
          expect(error.retry_after_seconds).toBeGreaterThanOrEqual(seconds - 2);
          expect(error.retry_after_seconds).toBeLessThanOrEqual(seconds);
          expect(error.message).toContain(pc.displayName);
          expect(emulator.requests).toHaveLength(1);
          expect(ms).toBeLessThan(SLACK_MS);
        },
      );

      it('429 persistently: rate_limited, retryable, after BILLING_MCP_MAX_RETRIES retries', async () => {
        emulator.inject(answer(429), answer(429), answer(429), answer(429));
        const { value, waits } = await waitsDuring(() => list());
        const error = toolError(value);
        expect(error).toMatchObject({ code: 'rate_limited', http_status: 429, retryable: true });
        expect(error.retry_after_seconds).toBeUndefined();
        expect(statuses()).toEqual([429, 429, 429]);
        // No Retry-After: each retry waits the backoff (testHttp: at most 20 ms).
        expect(waits).toHaveLength(RETRIES);
        for (const wait of waits) expect(wait).toBeLessThanOrEqual(20);
      });
    });

    describe.sequential('502/503/504 gateway errors', () => {
      it.each([502, 503, 504])('%i then success: retried, succeeds', async (status) => {
        emulator.inject(
          answer(status, { text: `<html>${MARKER}</html>`, contentType: 'text/html' }),
        );
        expect(structured<{ returned: number }>(await list()).returned).toBe(2);
        expect(statuses().slice(0, 2)).toEqual([status, 200]);
      });

      it.each([502, 503, 504])(
        '%i persistently: upstream_error, retryable, after the retries, bounded time',
        async (status) => {
          emulator.inject(answer(status), answer(status), answer(status), answer(status));
          const { value, waits } = await waitsDuring(() => list());
          const error = toolError(value);
          expect(error).toMatchObject({
            code: 'upstream_error',
            http_status: status,
            retryable: true,
          });
          expect(error.message).toContain(pc.displayName);
          expect(statuses()).toEqual([status, status, status]);
          // Bounded: RETRIES waits of the backoff (testHttp: at most 20 ms each), nothing longer.
          expect(waits).toHaveLength(RETRIES);
          for (const wait of waits) expect(wait).toBeLessThanOrEqual(20);
        },
      );
    });

    describe.sequential('connection failures', () => {
      it('connection refused: retried, then upstream_error; the server recovers when the upstream is back', async () => {
        const port = await closedPort();
        const refused = await connectClient([
          pc.create(
            onPort(sandbox.settings, port),
            testHttp({ timeoutMs: TIMEOUT_MS, maxRetries: RETRIES }),
          ),
        ]);
        closers.push(() => refused.close());
        const attempts: unknown[] = [];
        const onConnectError = (message: unknown) => {
          const { connectParams } = message as { connectParams: { port: string | number } };
          if (String(connectParams.port) === String(port)) attempts.push(message);
        };
        subscribe('undici:client:connectError', onConnectError);
        try {
          const { value, ms } = await timed(() => list(refused));
          const error = toolError(value);
          expect(error).toMatchObject({ code: 'upstream_error', provider: pc.id, retryable: true });
          expect(error.message).toContain('ECONNREFUSED');
          expect(attempts).toHaveLength(RETRIES + 1);
          expect(ms).toBeLessThan((RETRIES + 1) * TIMEOUT_MS + SLACK_MS);
        } finally {
          unsubscribe('undici:client:connectError', onConnectError);
        }
        const stop = await forward(port, Number(new URL(emulator.baseUrl).port));
        closers.push(stop);
        await expectHealthy(refused, pc.id);
      });

      it('connection reset before the answer, then success: retried, succeeds', async () => {
        emulator.inject({ reset: true });
        expect(structured<{ returned: number }>(await list()).returned).toBe(2);
        expect(statuses().slice(0, 2)).toEqual([null, 200]);
      });

      it('connection reset mid-body, then success: retried, succeeds', async () => {
        emulator.inject({ reset: 'mid-body' });
        expect(structured<{ returned: number }>(await list()).returned).toBe(2);
        expect(emulator.requests[0]?.closedEarly).toBe(true);
        expect(emulator.requests).toHaveLength(2);
      });

      it('connection reset persistently: upstream_error, retryable, after the retries', async () => {
        emulator.inject({ reset: true }, { reset: true }, { reset: true }, { reset: true });
        const error = toolError(await list());
        expect(error).toMatchObject({ code: 'upstream_error', provider: pc.id, retryable: true });
        expect(emulator.requests).toHaveLength(RETRIES + 1);
      });
    });

    describe.sequential('stalls', () => {
      it.each([
        ['headers never arrive', 'headers'],
        ['body stalls half way', 'body'],
      ] as const)('%s: timeout within BILLING_MCP_TIMEOUT_MS, not retried', async (_, hang) => {
        emulator.inject({ hang }, { hang }, { hang });
        const { value, ms } = await timed(() => list(hasty));
        const error = toolError(value);
        expect(error).toMatchObject({ code: 'timeout', provider: pc.id, retryable: true });
        expect(error.message).toContain(`${TIMEOUT_MS} ms`);
        expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
        expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        expect(emulator.requests).toHaveLength(1);
        await vi.waitFor(() => expect(emulator.requests[0]?.closedEarly).toBe(true), POLL);
      });
    });

    describe.sequential('invalid 200 bodies', () => {
      it.each([
        ['invalid JSON', { text: `{"id": ${MARKER}`, contentType: 'application/json' }],
        ['HTML', { text: `<!doctype html><title>${MARKER}</title>`, contentType: 'text/html' }],
        [
          'truncated JSON',
          { text: `{"items":[{"id":"${MARKER}","name":"Ana`, contentType: 'application/json' },
        ],
        ['an empty body', { text: '', contentType: 'application/json' }],
        ['wrong shape: a list of strings', { json: [MARKER] }],
        ['wrong shape: an object without the rows', { json: { [MARKER]: true } }],
        ['wrong shape: null', { json: null }],
      ])(
        '200 with %s: upstream_invalid_response naming the provider, no raw body',
        async (_, body) => {
          emulator.inject({ respond: { status: 200, ...body } });
          const error = toolError(await list());
          expect(error).toMatchObject({ code: 'upstream_invalid_response', provider: pc.id });
          expect(error.message).toContain(pc.displayName);
          expect(error.message).not.toContain(MARKER);
          expect(error.message).not.toContain('<');
          expect(emulator.requests).toHaveLength(1);
        },
      );

      it('200 with a 50 MB body: reading stops at the cap, upstream_invalid_response, memory stays flat', () =>
        oneAtATime(async () => {
          const baseline = memory();
          let peak = baseline;
          const sampler = setInterval(() => {
            peak = Math.max(peak, memory());
          }, 2);
          emulator.inject({ hugeBodyBytes: 50 * 1024 * 1024 });
          // A long timeout: on a loaded machine the 8 MB up to the cap can take longer than the
          // matrix's 600 ms, and the subject here is the cap, not the clock.
          const patient = await connectClient([
            pc.create(sandbox.settings, testHttp({ timeoutMs: 30_000, maxRetries: RETRIES })),
          ]);
          closers.push(() => patient.close());
          try {
            const error = toolError(await list(patient));
            expect(error).toMatchObject({ code: 'upstream_invalid_response', provider: pc.id });
            expect(error.message).toContain('larger than this server accepts');
          } finally {
            clearInterval(sampler);
          }
          await vi.waitFor(() => expect(emulator.requests[0]?.closedEarly).toBe(true), POLL);
          // The default cap is 8 MB: buffering the whole body would cost ≥ 50 MB (bytes + string).
          expect((peak - baseline) / 1024 / 1024).toBeLessThan(40);
        }));
    });

    describe.sequential('documented 4xx bodies', () => {
      it.each(pc.errorShapes)(
        '$name: the right code, the provider message only after parsing',
        async (shape) => {
          const respond =
            shape.text === undefined
              ? { status: shape.status, json: shape.json }
              : { status: shape.status, text: shape.text, contentType: 'text/html' };
          emulator.inject({ respond });
          const result = shape.status === 404 ? await get('cus_reliability_404') : await list();
          const error = toolError(result);
          const code = {
            400: 'upstream_error',
            401: 'unauthorized',
            403: 'unauthorized',
            404: 'not_found',
          }[shape.status];
          expect(error).toMatchObject({
            code,
            provider: pc.id,
            http_status: shape.status,
            retryable: false,
          });
          if (code === 'unauthorized') expect(error.message).toContain(pc.keyEnv);
          if (shape.said)
            expect(shape.said.some((said) => error.message.includes(said))).toBe(true);
          for (const never of shape.never ?? []) expect(error.message).not.toContain(never);
          expect(error.message).not.toMatch(/[{}<>]/);
          expect(emulator.requests).toHaveLength(1);
        },
      );

      it('a 5,000-character provider message with control characters: cut to about 200 printable characters', async () => {
        const long = `first line\n\u0000\u001b[31m${'x'.repeat(5000)}`;
        emulator.inject({ respond: { status: 400, json: pc.errorBody(long) } });
        const error = toolError(await list());
        expect(error).toMatchObject({ code: 'upstream_error', http_status: 400, retryable: false });
        expect(error.message).toContain('first line');
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for control characters
        expect(error.message).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(error.message.length).toBeLessThan(400);
      });
    });

    describe.sequential('a provider that echoes the credential', () => {
      it.each(ECHO_STATUSES)(
        'HTTP %i echoing the key in each error field, in each form: no form of the key in the result',
        async (status) => {
          const bodies = pc.echoBodies('');
          for (const [index] of bodies.entries()) {
            for (const { name, echo } of ECHOES) {
              const fault: Fault = {
                rewrite: (_, request) => ({
                  status,
                  json: pc.echoBodies(echo(sentCredential(request)))[index],
                }),
              };
              emulator.inject(...Array.from({ length: RETRIES + 1 }, () => fault));
              const result = status === 404 ? await get('cus_echo') : await list();
              emulator.clearFaults();
              expect(toolError(result).http_status, name).toBe(status);
              const seen = createCapture();
              seen.add(result);
              expect(seen.leaks(secretForms([sandbox.settings.apiKey])), name).toEqual([]);
              capture.add(result);
            }
          }
        },
      );
    });

    describe.sequential('cancellation', () => {
      it('client cancels the call (notifications/cancelled): the upstream request is aborted before it answered', async () => {
        // A long timeout, so only the cancellation can close the connection.
        const patient = await connectClient([
          pc.create(sandbox.settings, testHttp({ timeoutMs: 30_000, maxRetries: RETRIES })),
        ]);
        closers.push(() => patient.close());
        emulator.inject({ hang: 'headers' });
        const controller = new AbortController();
        const pending = patient.callTool(
          { name: `${pc.id}_list_customers`, arguments: { take: 2 } },
          { signal: controller.signal },
        );
        await vi.waitFor(() => expect(emulator.requests.length).toBe(1), POLL);
        controller.abort('the user changed their mind');
        await expect(pending).rejects.toThrow();
        await vi.waitFor(() => expect(emulator.requests[0]?.closedEarly).toBe(true), POLL);
        expect(emulator.requests[0]?.status).toBeNull();
        expect(emulator.requests).toHaveLength(1);
        await expectHealthy(patient, pc.id);
      });

      it('cancelled during a Retry-After wait: ends at once as a coded error, no retry is sent', async () => {
        const [, listTool] = bindProviderTools([
          pc.create(sandbox.settings, testHttp({ timeoutMs: 30_000, maxRetries: RETRIES })),
        ]);
        emulator.inject(answer(429, { headers: { 'retry-after': '5' } }));
        const controller = new AbortController();
        const before = capture.texts.length;
        const pending = listTool?.call({ take: 2 }, { signal: controller.signal });
        await vi.waitFor(() => expect(emulator.requests.length).toBe(1), POLL);
        controller.abort();
        const { value, ms } = await timed(async () => (await pending) as CallToolResult);
        capture.add(value);
        expect(ms).toBeLessThan(SLACK_MS);
        const error = toolError(value);
        expect(error).toMatchObject({ code: 'upstream_error', provider: pc.id, retryable: false });
        expect(error.message).toContain('cancelled');
        expect(emulator.requests).toHaveLength(1);
        const logged = capture.texts.slice(before).join('');
        expect(logged).not.toContain('unexpected error');
      });
    });
  },
);

describe('retry policy', () => {
  it('waits between retries are exponential backoff with full jitter, capped', () => {
    const policy = { baseMs: 200, maxMs: 2000 };
    for (let attempt = 0; attempt < 6; attempt++) {
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
      const waits = Array.from({ length: 300 }, () => backoffDelayMs(attempt, policy));
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...waits)).toBeLessThanOrEqual(ceiling);
      // Full jitter: spread over the whole range, not clustered at the ceiling.
      expect(Math.min(...waits)).toBeLessThan(ceiling * 0.2);
      expect(Math.max(...waits)).toBeGreaterThan(ceiling * 0.8);
      expect(new Set(waits).size).toBeGreaterThan(50);
    }
  });
});

/** Memory measurements must not overlap another provider's 50 MB test. */
let memoryTurn: Promise<unknown> = Promise.resolve();
function oneAtATime(work: () => Promise<void>): Promise<void> {
  const turn = memoryTurn.then(work);
  memoryTurn = turn.catch(() => undefined);
  return turn;
}

/** JS heap plus Buffers: where a buffered body would show. */
function memory(): number {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}
