/** RequestGate (src/upstream/gate.ts): the admission line in front of undici's pool. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RequestGate } from '../../src/upstream/gate.js';

const far = () => ({ signal: new AbortController().signal, deadlineAt: Date.now() + 60_000 });

describe('RequestGate', () => {
  it('admits up to the limit at once, then hands freed slots over in arrival order', async () => {
    const gate = new RequestGate(2, 10);
    const order: number[] = [];
    const releases = await Promise.all([gate.acquire(far()), gate.acquire(far())]);
    const waiting = [3, 4].map((n) =>
      gate.acquire(far()).then((release) => {
        order.push(n);
        return release;
      }),
    );
    await nextTurn();
    expect(order).toEqual([]);
    releases[0]?.();
    releases[0]?.(); // a second release of the same slot is ignored
    await nextTurn();
    await nextTurn();
    expect(order).toEqual([3]);
    releases[1]?.();
    await Promise.all(waiting);
    expect(order).toEqual([3, 4]);
  });

  it('a waiter whose signal aborts leaves the line with its reason and takes no slot', async () => {
    const gate = new RequestGate(1, 10);
    const release = await gate.acquire(far());
    const controller = new AbortController();
    const left = gate.acquire({ signal: controller.signal, deadlineAt: Date.now() + 60_000 });
    const next = gate.acquire(far());
    controller.abort(new Error('cancelled'));
    await expect(left).rejects.toThrow('cancelled');
    release();
    await expect(next).resolves.toBeTypeOf('function');
  });

  it('a waiter with too little time left is not admitted: it fails as a TimeoutError', async () => {
    const gate = new RequestGate(1, 1000);
    const release = await gate.acquire(far());
    const late = gate.acquire({
      signal: new AbortController().signal,
      deadlineAt: Date.now() + 500,
    });
    release();
    await expect(late).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(gate.acquire(far())).resolves.toBeTypeOf('function');
  });
});
