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
import { skippingClock } from '../helpers/clock.js';
import { connectClient, structured, testHttp, toolError } from '../helpers/mcp.js';
import { PROVIDER_CASES } from '../helpers/reliability.js';
import { settled } from '../helpers/settle.js';

const quentli = PROVIDER_CASES.find((pc) => pc.id === 'quentli');
if (!quentli) throw new Error('no quentli case');

describe('Retry-After that would skip the backoff', () => {
  const BACKOFF_MS = 250;
  const CALLS = 20;
  let sandbox: ProviderEmulator;
  let client: Client;
  // Each wait is recorded and skipped: the waits asked for are the measure, not the gaps.
  const clock = skippingClock();
  beforeAll(async () => {
    sandbox = await startQuentliEmulator();
    const http = testHttp({
      maxRetries: 1,
      backoffBaseMs: BACKOFF_MS,
      backoffMaxMs: BACKOFF_MS,
      clock,
    });
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

  it(`Retry-After 0, negative or in the past: each retry still waits the normal backoff (${CALLS} calls)`, async () => {
    const headers = ['0', '-1', new Date(clock.now() - 3_600_000).toUTCString()];
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
    }
    // One wait per retried call, each the backoff's: full jitter makes it uniform in
    // [0, BACKOFF_MS], so the sum is ~CALLS × BACKOFF_MS / 2. Under a fifth of that has
    // probability ~4e-7; a Retry-After taken at its word would make every wait 0.
    expect(clock.waits).toHaveLength(CALLS);
    for (const wait of clock.waits) expect(wait).toBeLessThanOrEqual(BACKOFF_MS);
    const total = clock.waits.reduce((sum, wait) => sum + wait, 0);
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
    // Let any reconnects the aborts trigger happen before counting: until the count is quiet.
    await settled(() => sandbox.emulator.connections);
    sandbox.emulator.clearFaults();
    const received = sandbox.emulator.requests.length;
    const opened = sandbox.emulator.connections;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(CALLS);
    // Before the gate: one empty connection per queued call (184 of 200 here, ~984 of 1,000).
    // What remains is undici's own reconnect after each aborted in-flight request (see
    // src/upstream/gate.ts): about one per pool connection when the calls arrive together. A
    // loaded machine spreads them over more than one timeout, and a slot handed over as its
    // holder is aborted may reconnect once more: a small multiple of the pool, never one per call.
    expect(opened - received).toBeLessThanOrEqual(2 * DEFAULT_MAX_CONNECTIONS);
  });
});
