/**
 * Bounded memory: the sandbox emulators' request log is bounded — the newest requests within a
 * count and a body-size budget — and off in `--demo`, where nobody reads it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOG_LIMIT } from '../../src/sandbox/emulator.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { startQuentliEmulator } from '../../src/sandbox/quentli/emulator.js';

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const item of opened) await item.close();
});

async function post(baseUrl: string, body: string): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/customers`, { method: 'POST', body });
  await response.arrayBuffer();
}

describe('the emulator request log', () => {
  it('keeps only the newest requests, by count, and counts every request it received', async () => {
    const quentli = await startQuentliEmulator();
    opened.push(quentli);
    const { emulator } = quentli;
    expect(emulator.logLimit).toEqual(DEFAULT_LOG_LIMIT);
    emulator.logLimit = { entries: 10, bodyBytes: 1024 * 1024 };
    for (let i = 0; i < 40; i++) await post(emulator.baseUrl, `{"n":${i}}`);
    expect(emulator.received).toBe(40);
    expect(emulator.requests.map((r) => (r.body as { n: number }).n)).toEqual(
      Array.from({ length: 10 }, (_, i) => 30 + i),
    );
  });

  it('keeps the bodies it logs within a byte budget (1 MB bodies do not pile up)', async () => {
    const quentli = await startQuentliEmulator();
    opened.push(quentli);
    const { emulator } = quentli;
    emulator.logLimit = { entries: 1000, bodyBytes: 200_000 };
    const big = 'x'.repeat(90_000);
    for (let i = 0; i < 12; i++) await post(emulator.baseUrl, big);
    expect(emulator.received).toBe(12);
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.requests.reduce((n, r) => n + r.rawBody.length, 0)).toBeLessThanOrEqual(
      200_000,
    );
  });

  it('--demo (startSandbox with logRequests false) keeps no log at all', async () => {
    const sandbox: Sandbox = await startSandbox({ logRequests: false });
    opened.push(sandbox);
    for (const { emulator } of Object.values(sandbox.emulators)) {
      for (let i = 0; i < 5; i++) await post(emulator.baseUrl, '{}');
      expect(emulator.received).toBe(5);
      expect(emulator.requests).toEqual([]);
    }
  });
});
