/** RequestGate (src/upstream/gate.ts): the admission line in front of undici's pool. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RequestGate } from '../../src/upstream/gate.js';
import { manualClock } from '../helpers/clock.js';

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

  it('hands freed slots to the waiting tenants in turn: one tenant’s burst cannot keep the others out', async () => {
    const gate = new RequestGate(1, 10);
    const as = (tenant: string) => ({ ...far(), tenant });
    const held = await gate.acquire(as('A'));
    const order: string[] = [];
    // A's burst arrives first, then B's two calls, then C's one.
    const queued = ['A', 'A', 'A', 'A', 'B', 'B', 'C'].map((tenant) =>
      gate.acquire(as(tenant)).then((release) => {
        order.push(tenant);
        release();
      }),
    );
    held();
    await Promise.all(queued);
    // In arrival order this would be A A A A B B C: B and C waiting behind all of A's burst.
    expect(order).toEqual(['A', 'B', 'C', 'A', 'B', 'A', 'A']);
  });

  it('a pause (a 429) holds every waiter and newcomer until it ends, then lets them go', async () => {
    const gate = new RequestGate(4, 10);
    const release = await gate.acquire(far());
    gate.pause(150);
    const started = Date.now();
    const waiters = Array.from({ length: 6 }, () =>
      gate.acquire(far()).then((r) => {
        r();
        return Date.now() - started;
      }),
    );
    release();
    const waited = await Promise.all(waiters);
    for (const ms of waited) expect(ms).toBeGreaterThanOrEqual(140);
    // A shorter pause never shortens a longer one.
    gate.pause(200);
    gate.pause(10);
    const t = Date.now();
    (await gate.acquire(far()))();
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
  });

  it('a pause is per tenant: one tenant’s 429 never stalls another’s calls', async () => {
    // On a clock that moves only when told to: "B is not held" cannot depend on the machine.
    const clock = manualClock();
    const gate = new RequestGate(2, 10, clock);
    gate.pause(300, 'A');
    const b = await gate.acquire({ ...far(), tenant: 'B' });
    let aAdmitted = false;
    const a = gate.acquire({ ...far(), tenant: 'A' }).then((release) => {
      aAdmitted = true;
      release();
    });
    const b2 = await gate.acquire({ ...far(), tenant: 'B' });
    b();
    await nextTurn();
    await nextTurn();
    expect(aAdmitted).toBe(false);
    clock.advance(299);
    b2();
    await nextTurn();
    await nextTurn();
    expect(aAdmitted).toBe(false);
    clock.advance(1);
    (await gate.acquire({ ...far(), tenant: 'B' }))();
    await a;
    expect(aAdmitted).toBe(true);
  });

  it('a waiter cancelled during a pause leaves the line and never takes a slot', async () => {
    const gate = new RequestGate(1, 10);
    gate.pause(100);
    const controller = new AbortController();
    const left = gate.acquire({ signal: controller.signal, deadlineAt: Date.now() + 60_000 });
    controller.abort(new Error('cancelled'));
    await expect(left).rejects.toThrow('cancelled');
    const next = await gate.acquire(far());
    expect(gate.inFlight).toBe(1);
    next();
    expect(gate.inFlight).toBe(0);
  });
});
