/**
 * A struggling provider must not get a burst (CONTRACT §5): a `Retry-After` of 0,
 * negative or in the past never shortens the backoff, and calls that time out against a hanging
 * upstream do not make the pool open connections that carry no request. Measured with the
 * emulator's own request log and connection counter.
 */
import type { Client } from '@modelcontextprotocol/client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuentliEmulator } from '../../src/sandbox/quentli/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { parseRetryAfter } from '../../src/upstream/retry.js';
import { DEFAULT_MAX_CONNECTIONS } from '../../src/upstream/undici.js';
import { connectClient, structured, testHttp, toolError } from '../helpers/mcp.js';
import { PROVIDER_CASES } from '../helpers/reliability.js';

const quentli = PROVIDER_CASES.find((pc) => pc.id === 'quentli');
if (!quentli) throw new Error('no quentli case');

describe('Retry-After that would skip the backoff', () => {
  const BACKOFF_MS = 250;
  const CALLS = 20;
  let sandbox: ProviderEmulator;
  let client: Client;
  beforeAll(async () => {
    sandbox = await startQuentliEmulator();
    const http = testHttp({ maxRetries: 1, backoffBaseMs: BACKOFF_MS, backoffMaxMs: BACKOFF_MS });
    client = await connectClient([quentli.create(sandbox.settings, http)]);
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('parseRetryAfter: "-1" is unreadable (not the year 2001), a past date is 0', () => {
    expect(parseRetryAfter('-1')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
    expect(parseRetryAfter(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    expect(parseRetryAfter('0')).toBe(0);
  });

  it(`Retry-After 0, negative or in the past: each retry still waits the normal backoff (${CALLS} calls, gaps from the emulator log)`, async () => {
    const headers = ['0', '-1', new Date(Date.now() - 3_600_000).toUTCString()];
    const gaps: number[] = [];
    for (let call = 0; call < CALLS; call++) {
      sandbox.emulator.clearLog();
      const retryAfter = headers[call % headers.length] as string;
      sandbox.emulator.inject({
        respond: {
          status: 429,
          json: { error: { message: 'slow down' } },
          headers: { 'retry-after': retryAfter },
        },
      });
      const result = await client.callTool({
        name: 'quentli_list_customers',
        arguments: { take: 1 },
      });
      expect(structured<{ returned: number }>(result).returned).toBe(1);
      const [first, second] = sandbox.emulator.requests;
      expect([first?.status, second?.status]).toEqual([429, 200]);
      gaps.push((second?.at ?? 0) - (first?.at ?? 0));
    }
    // Full jitter makes each wait uniform in [0, BACKOFF_MS]: the sum is ~CALLS × BACKOFF_MS / 2.
    // Under a fifth of that has probability ~4e-7; without the backoff the sum is a few ms.
    const total = gaps.reduce((sum, gap) => sum + gap, 0);
    expect(total).toBeGreaterThanOrEqual((CALLS * BACKOFF_MS) / 5);
  });
});

describe('timeouts against a hanging upstream', () => {
  const CALLS = 200;
  let sandbox: ProviderEmulator;
  let client: Client;
  beforeAll(async () => {
    sandbox = await startQuentliEmulator();
    // The production pool's shape (src/upstream/undici.ts), with a short keep-alive for the test.
    const dispatcher = new Agent({
      connections: DEFAULT_MAX_CONNECTIONS,
      keepAliveTimeout: 10,
      keepAliveMaxTimeout: 10,
    });
    const http = testHttp({ timeoutMs: 500, dispatcher });
    client = await connectClient([quentli.create(sandbox.settings, http)]);
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it(`${CALLS} concurrent calls time out; connections that carry no request stay within the pool size, not one per call`, async () => {
    sandbox.emulator.inject(...Array.from({ length: CALLS }, () => ({ hang: 'headers' as const })));
    const results = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        client.callTool({ name: 'quentli_get_customer', arguments: { id: `cus_hang_${i}` } }),
      ),
    );
    expect(new Set(results.map((result) => toolError(result).code))).toEqual(new Set(['timeout']));
    // Let any reconnects the aborts would trigger happen before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    sandbox.emulator.clearFaults();
    const received = sandbox.emulator.requests.length;
    const opened = sandbox.emulator.connections;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(CALLS);
    // Before the gate: one empty connection per queued call (184 of 200 here, ~984 of 1,000).
    // What remains is undici's own reconnect after each aborted in-flight request (see
    // src/upstream/gate.ts): at most one per pool connection, however many calls were waiting.
    expect(opened - received).toBeLessThanOrEqual(DEFAULT_MAX_CONNECTIONS);
  });
});
