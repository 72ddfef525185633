/**
 * The warm-up behind a fast first call (the figure is the bench's `burst`
 * section): it loads undici and sends one request to a throwaway server of its own, and must
 * leave nothing behind — no listening socket, no connection — and contact no provider.
 */
import { describe, expect, it, vi } from 'vitest';
import { startFlexpriceEmulator } from '../../src/sandbox/flexprice/emulator.js';
import { warmUpUpstream } from '../../src/upstream/warm-up.js';

const sockets = () =>
  process
    .getActiveResourcesInfo()
    .filter((kind) => kind === 'TCPServerWrap' || kind === 'TCPSocketWrap').length;

describe('warmUpUpstream', () => {
  it('completes, leaves no socket open and sends nothing to a provider', async () => {
    const provider = await startFlexpriceEmulator();
    try {
      const before = sockets();
      await warmUpUpstream();
      // Handles are released a moment after their close callbacks run.
      await vi.waitFor(() => expect(sockets()).toBeLessThanOrEqual(before), { timeout: 2000 });
      expect(provider.emulator.requests).toHaveLength(0);
      // Loaded once: a second warm-up is as harmless.
      await warmUpUpstream();
      expect(provider.emulator.requests).toHaveLength(0);
    } finally {
      await provider.close();
    }
  });
});
