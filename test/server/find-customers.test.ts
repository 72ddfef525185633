/**
 * find_customers (CONTRACT §3.3) against the three real emulators, through a real MCP Client:
 * the same answers as each list tool, concurrency read from the emulators' request logs, one
 * provider's failure confined to its section, cancellation reaching every upstream request.
 */
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listedCustomerSchema } from '../../src/customer.js';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../src/providers/registry.js';
import type { EmulatorResponse } from '../../src/sandbox/emulator.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { MAX_RESULT_BYTES } from '../../src/tools/result.js';
import { withStderr } from '../helpers/capture.js';
import { connectClient, structured, testHttp, toolError } from '../helpers/mcp.js';
import { sandboxProviders } from '../helpers/sandbox.js';

const POLL = { timeout: 5000 };
/** The hanging-provider test's timeout: small, so it stays quick (its client is its own). */
const TIMEOUT_MS = 1500;
/** Everyone else's: heavy rows on a loaded machine take seconds, and only a hang should time out. */
const PATIENT_MS = 15_000;

interface Section {
  provider: ProviderId;
  items?: { id: string; email: string | null }[];
  returned?: number;
  has_more?: boolean;
  next_cursor?: string | null;
  error?: { code: string; message: string; provider?: string; retryable: boolean };
}

let sandbox: Sandbox;
let client: Client;
const closers: (() => Promise<unknown>)[] = [];

const emulators = () => PROVIDER_IDS.map((id) => sandbox.emulators[id].emulator);

beforeAll(async () => {
  const setup = await sandboxProviders(testHttp({ timeoutMs: PATIENT_MS, maxRetries: 2 }));
  sandbox = setup.sandbox;
  client = await connectClient(setup.providers);
});
afterEach(async () => {
  // A Flexprice search aborted because its sibling failed (one per status) may still reach the
  // emulator a moment later: let it land before the next test's log and faults begin.
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const emulator of emulators()) {
    emulator.clearFaults();
    emulator.clearLog();
    emulator.latencyMs = 0;
  }
});
afterAll(async () => {
  for (const close of closers) await close();
  await client.close();
  await sandbox.close();
});

const find = async (args: Record<string, unknown>, on = client) =>
  (await on.callTool({ name: 'find_customers', arguments: args })) as CallToolResult;
const sections = (result: CallToolResult) => structured<{ results: Section[] }>(result).results;
const list = async (provider: ProviderId, args: Record<string, unknown>) =>
  structured<{ items: { id: string; email: string | null }[]; next_cursor: string | null }>(
    await client.callTool({ name: `${provider}_list_customers`, arguments: args }),
  );

describe('find_customers: answers', () => {
  it('by email finds, in every section, exactly what each provider’s list tool finds', async () => {
    for (const owner of PROVIDER_IDS) {
      const page = await list(owner, { take: 20 });
      const email = page.items.find((c) => c.email?.includes('@'))?.email as string;
      const found = sections(await find({ email }));
      expect(found.map((s) => s.provider)).toEqual([...PROVIDER_IDS]);
      for (const section of found) {
        const expected = await list(section.provider, { email, take: 5 });
        expect(section.error, `${section.provider} ${email}`).toBeUndefined();
        expect(section.items).toEqual(expected.items);
        expect(section.returned).toBe(expected.items.length);
      }
      const own = found.find((s) => s.provider === owner);
      expect(own?.items?.map((c) => c.email)).toContain(email);
    }
  });

  it('sections hold customers without provider (the section names it), in the list shape', async () => {
    const found = sections(await find({ name: 'a', take: 3 }));
    for (const section of found) {
      expect(section.returned).toBe(3);
      for (const item of section.items ?? []) listedCustomerSchema.strict().parse(item);
    }
  });

  it('a section’s next_cursor, passed to that provider’s list tool with the same filters, yields the next rows', async () => {
    const found = sections(await find({ name: 'a', take: 2 }));
    for (const section of found) {
      expect(section.has_more, section.provider).toBe(true);
      const next = await list(section.provider, {
        name: 'a',
        take: 2,
        cursor: section.next_cursor,
      });
      const firstFour = await list(section.provider, { name: 'a', take: 4 });
      expect(section.items).toEqual(firstFour.items.slice(0, 2));
      expect(next.items).toEqual(firstFour.items.slice(2, 4));
    }
  });

  it('reports progress per provider section when the client sent a progressToken, and none when not', async () => {
    const seen: { progress: number; total?: number; message?: string }[] = [];
    const result = await client.callTool(
      { name: 'find_customers', arguments: { email: 'nobody.progress@example.com' } },
      { onprogress: (p) => void seen.push(p) },
    );
    expect(sections(result)).toHaveLength(3);
    expect(seen.map((p) => [p.progress, p.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    const named = seen.map((p) => p.message?.split(':')[0]).sort();
    expect(named).toEqual(['Flexprice', 'Maple Billing', 'Quentli']);
    for (const p of seen) expect(p.message).toMatch(/: 0 found$/);
  });

  it('providers narrows the call to those providers, sections in provider order, others not asked', async () => {
    const found = sections(await find({ name: 'a', providers: ['maple', 'quentli'] }));
    expect(found.map((s) => s.provider)).toEqual(['quentli', 'maple']);
    expect(sandbox.emulators.flexprice.emulator.requests).toHaveLength(0);
  });

  it('each provider applies its own list rules: Flexprice refuses a partial email in its section, the others answer', async () => {
    const found = sections(await find({ email: 'ana' }));
    const flexprice = found.find((s) => s.provider === 'flexprice');
    expect(flexprice?.error).toMatchObject({ code: 'invalid_argument', provider: 'flexprice' });
    expect(sandbox.emulators.flexprice.emulator.requests).toHaveLength(0);
    for (const section of found.filter((s) => s.provider !== 'flexprice'))
      expect(section.items).toBeDefined();
  });
});

describe('find_customers: invalid input, no upstream request', () => {
  it.each([
    ['no filter at all', { take: 5 }, /at least one of email, external_id, name or search/],
    ['take above 20', { email: 'a@b.co', take: 21 }, /take: must be a whole number from 1 to 20/],
    ['an unknown provider', { email: 'a@b.co', providers: ['stripe'] }, /providers/],
    ['an empty providers list', { email: 'a@b.co', providers: [] }, /providers/],
    ['an unknown argument', { email: 'a@b.co', skip: 5 }, /unknown argument.*skip/],
    ['a status no provider has', { email: 'a@b.co', status: 'gone' }, /status/],
  ])('%s → invalid_argument', async (_, args, message) => {
    const error = toolError(await find(args));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toMatch(message);
    for (const emulator of emulators()) expect(emulator.requests).toHaveLength(0);
  });
});

describe('find_customers: concurrency and failures', () => {
  it('asks every provider at once: each request starts before any answer is sent (emulator logs)', async () => {
    for (const emulator of emulators()) emulator.latencyMs = 300;
    sections(await find({ name: 'a' }));
    // Flexprice is asked once per status (its API takes one status per search).
    const logged = emulators().flatMap((e) => {
      expect(e.requests).toHaveLength(e === sandbox.emulators.flexprice.emulator ? 3 : 1);
      return e.requests as { at: number; doneAt: number | null }[];
    });
    const lastStart = Math.max(...logged.map((r) => r.at));
    const firstEnd = Math.min(...logged.map((r) => r.doneAt ?? Number.POSITIVE_INFINITY));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  it('one provider hanging: the others answer, its section is a timeout after one attempt of its own timeout', async () => {
    const http = testHttp({ timeoutMs: TIMEOUT_MS, maxRetries: 2 });
    const hasty = await connectClient(
      PROVIDERS.map((entry) => entry.create(sandbox.settings[entry.id], http)),
    );
    closers.push(() => hasty.close());
    const hanging = sandbox.emulators.flexprice.emulator;
    hanging.inject({ hang: 'headers' }, { hang: 'headers' }, { hang: 'headers' });
    const found = sections(await find({ name: 'a' }, hasty));
    const failed = found.find((s) => s.provider === 'flexprice');
    expect(failed?.error).toMatchObject({
      code: 'timeout',
      provider: 'flexprice',
      retryable: true,
    });
    expect(failed?.error?.message).toContain(`${TIMEOUT_MS} ms`);
    // Bounded by that provider's one timeout: a single attempt per status, closed, not retried.
    expect(hanging.requests).toHaveLength(3);
    await vi.waitFor(() => expect(hanging.requests.every((r) => r.closedEarly)).toBe(true), POLL);
    for (const id of ['quentli', 'maple'] as const) {
      expect(found.find((s) => s.provider === id)?.returned).toBe(5);
      expect(sandbox.emulators[id].emulator.requests.map((r) => r.status)).toEqual([200]);
    }
  });

  it('every provider failing: isError, with the §5 error body and each provider’s error', async () => {
    const unauthorized = { respond: { status: 401, json: { error: { message: 'bad key' } } } };
    // Three each: Flexprice is asked once per status.
    for (const emulator of emulators()) emulator.inject(unauthorized, unauthorized, unauthorized);
    const result = await find({ email: 'ana@example.com' });
    const error = toolError(result);
    expect(error).toMatchObject({ code: 'unauthorized', retryable: false });
    const body = JSON.parse((result.content[0] as { text: string }).text) as {
      results: Section[];
    };
    expect(body.results.map((s) => [s.provider, s.error?.code])).toEqual(
      PROVIDER_IDS.map((id) => [id, 'unauthorized']),
    );
  });

  it('every provider failing differently: isError, code upstream_error, each section keeps its own code', async () => {
    const [quentli, flexprice, maple] = emulators();
    quentli?.inject({ respond: { status: 401, json: { error: { message: 'bad key' } } } });
    const html = { respond: { status: 200, text: '<html>', contentType: 'text/html' } };
    flexprice?.inject(html, html, html); // one per status asked
    maple?.inject({ respond: { status: 400, json: { error_message: 'no' } } });
    const { value: result, stderr } = await withStderr(() => find({ email: 'ana@example.com' }));
    expect(stderr).toBe(
      'billing-customers-mcp: Flexprice POST /customers/search: a body that is not JSON\n',
    );
    expect(toolError(result).code).toBe('upstream_error');
    const body = JSON.parse((result.content[0] as { text: string }).text) as {
      results: Section[];
    };
    expect(body.results.map((s) => s.error?.code)).toEqual([
      'unauthorized',
      'upstream_invalid_response',
      'upstream_error',
    ]);
  });

  it('cancelling the call closes every upstream request', async () => {
    // A long timeout, so only the cancellation can close the connections.
    const patient = await connectClient(
      PROVIDERS.map((p) => p.create(sandbox.settings[p.id], testHttp({ timeoutMs: 30_000 }))),
    );
    closers.push(() => patient.close());
    for (const emulator of emulators())
      emulator.inject({ hang: 'headers' }, { hang: 'headers' }, { hang: 'headers' });
    const asked = (emulator: typeof emulators extends () => (infer E)[] ? E : never) =>
      emulator === sandbox.emulators.flexprice.emulator ? 3 : 1;
    const controller = new AbortController();
    const pending = patient.callTool(
      { name: 'find_customers', arguments: { name: 'a' } },
      { signal: controller.signal },
    );
    await vi.waitFor(() => {
      for (const emulator of emulators()) expect(emulator.requests).toHaveLength(asked(emulator));
    }, POLL);
    controller.abort('the user changed their mind');
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => {
      for (const emulator of emulators())
        expect(emulator.requests.every((r) => r.closedEarly)).toBe(true);
    }, POLL);
    for (const emulator of emulators()) expect(emulator.requests).toHaveLength(asked(emulator));
  });
});

/** Every customer row of a list answer, whichever provider's shape it has, through `change`. */
function withRows(change: (row: Record<string, unknown>) => Record<string, unknown>) {
  return {
    rewrite: (answer: EmulatorResponse): EmulatorResponse => {
      const json = answer.json as Record<string, unknown> | unknown[];
      if (Array.isArray(json))
        return { ...answer, json: json.map((row) => change(row as Record<string, unknown>)) };
      const key = 'items' in json ? 'items' : 'results';
      const rows = json[key] as Record<string, unknown>[];
      return { ...answer, json: { ...json, [key]: rows.map(change) } };
    },
  };
}

/** Metadata of `values` strings of 3,000 characters each: large rows, no string long enough to be cut. */
const heavy = (values: number) => (row: Record<string, unknown>) => {
  const metadata = Object.fromEntries(
    Array.from({ length: values }, (_, i) => [`k${i}`, 'v'.repeat(3000)]),
  );
  return { ...row, metadata, meta: metadata };
};

describe('find_customers: the result-size bound, section by section', () => {
  it('one provider answering rows too large to return: its section says so (with a take that fits), the others still arrive', async () => {
    sandbox.emulators.flexprice.emulator.inject(withRows(heavy(60)));
    const result = await find({ name: 'a', take: 20 });
    const found = sections(result);
    const flexprice = found.find((s) => s.provider === 'flexprice');
    expect(flexprice?.error).toMatchObject({
      code: 'upstream_error',
      provider: 'flexprice',
      retryable: false,
    });
    expect(flexprice?.error?.message).toMatch(/too large.*take \d+ or less/);
    for (const id of ['quentli', 'maple'] as const)
      expect(found.find((s) => s.provider === id)?.returned).toBe(20);
    expect(JSON.stringify(result).length).toBeLessThan(MAX_RESULT_BYTES);
  });

  it('every section fitting alone but not together: the largest give way until the result fits; isError only if none is left', async () => {
    for (const emulator of emulators()) emulator.inject(withRows(heavy(7)));
    const result = await find({ name: 'a', take: 20 });
    const found = sections(result);
    const kept = found.filter((s) => s.items !== undefined);
    const dropped = found.filter((s) => s.error !== undefined);
    expect(kept.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);
    for (const section of kept) expect(section.returned).toBe(20);
    for (const section of dropped) expect(section.error?.message).toMatch(/too large/);
    expect(JSON.stringify(result).length).toBeLessThan(MAX_RESULT_BYTES);
  });
});

describe('find_customers: registration', () => {
  it('exists only with two or more providers, after their tools, its providers enum the enabled ones', async () => {
    const make = (ids: ProviderId[]) =>
      PROVIDERS.filter((p) => ids.includes(p.id)).map((p) =>
        p.create(sandbox.settings[p.id], testHttp()),
      );
    const one = await connectClient(make(['maple']));
    const two = await connectClient(make(['quentli', 'maple']));
    closers.push(
      () => one.close(),
      () => two.close(),
    );
    expect((await one.listTools()).tools.map((t) => t.name)).not.toContain('find_customers');
    const tools = (await two.listTools()).tools;
    expect(tools.map((t) => t.name)).toEqual([
      'quentli_get_customer',
      'quentli_list_customers',
      'maple_get_customer',
      'maple_list_customers',
      'find_customers',
    ]);
    const find = tools.at(-1)?.inputSchema.properties ?? {};
    const providers = (find as Record<string, { items: unknown }>).providers;
    expect(providers?.items).toEqual({ type: 'string', enum: ['quentli', 'maple'] });
    expect(two.getInstructions()).toContain('find_customers');
    expect(one.getInstructions()).not.toContain('find_customers');
  });
});
