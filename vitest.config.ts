import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Every test runs once in `default` (in-memory clients speaking 2025-11-25). The other projects
 * repeat only what a transport or a protocol era can change, through test/helpers/mcp.ts's
 * connectClient: the contract surface (tools, results, find_customers), the coded errors of the
 * fault matrix and of hostile input, cancellation, and the redaction of what goes out. Provider
 * logic (filters, normalization and summary shapes, paging, the emulators: test/quentli,
 * flexprice, maple, hostile answers) is the same code under every transport and era: it runs once.
 * MCP_TEST_TRANSPORT=http serves the same server with serveHttp() on 127.0.0.1 (remote mode must
 * answer exactly like stdio); MCP_TEST_ERA=modern pins the client to 2026-07-28, auto lets it
 * probe with server/discover. docs/development.md says how to run one project.
 */
// Not upstream-pressure: its subject is the upstream pool under one burst of calls, which over HTTP
// arrives in waves (connections opening), so its reconnect count measures the test's timing.
const CONTRACT = [
  'test/server/tools-surface.test.ts',
  'test/server/find-customers.test.ts',
  'test/reliability/faults.test.ts',
  'test/reliability/hostile-input.test.ts',
];

/**
 * Through the built bin over stdio, with a 2026-07-28 client: the bin's surface, the fault matrix
 * and cancellation over the pipes, the line limit, result bounds, and the secret scan of every
 * channel.
 */
const OVER_STDIO = [
  'test/server/stdio.test.ts',
  'test/reliability/secrets.test.ts',
  'test/reliability/stdio.test.ts',
];

/** A client that negotiates (`mode: 'auto'`) lands on 2026-07-28: the surface, checked once. */
const AUTO = ['test/server/tools-surface.test.ts', 'test/server/find-customers.test.ts'];

/** A project repeating `include` (less `exclude`) with `env` set: another transport or era. */
function repeat(name: string, include: string[], env: Record<string, string>, exclude?: string[]) {
  return { extends: true as const, test: { name, include, env, ...(exclude && { exclude }) } };
}

export default defineConfig({
  test: {
    // Generous ceilings: a test that passes takes its own time, and on a loaded 2-core machine
    // spawning a process or opening sockets can outlast vitest's 5 s default without any fault.
    // Speed is the benchmark's business, not a timeout's.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest's default (one worker fewer than the cores) leaves one of CI's two cores idle: the
    // suite is mostly waiting on sockets and child processes, so two workers share two cores well
    // (on this 2-core machine: 413 s with one worker, 238 s with two, the same tests passing).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker runs its files in one module graph: starting a worker and importing the SDK and
    // src/ once per file was a third of the suite's time (238 s → 169 s on two cores). What the
    // process keeps between files is reset per file by test/helpers/per-file.ts.
    isolate: false,
    setupFiles: ['test/helpers/per-file.ts'],
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      repeat('http', CONTRACT, { MCP_TEST_TRANSPORT: 'http' }),
      // Not hostile input: an era frames requests and results, not the arguments' JSON, and
      // hostile input in 2026-07-28 runs over HTTP (http-modern) and over stdio (stdio-modern).
      repeat(
        'modern',
        CONTRACT.filter((file) => !file.endsWith('hostile-input.test.ts')),
        { MCP_TEST_ERA: 'modern' },
      ),
      repeat('http-modern', CONTRACT, { MCP_TEST_TRANSPORT: 'http', MCP_TEST_ERA: 'modern' }),
      repeat('stdio-modern', OVER_STDIO, { MCP_TEST_ERA: 'modern' }),
      // Remote mode's own suites (auth, tenants, instances, the bin) with 2026-07-28 clients;
      // not settings.test.ts, which parses configuration and speaks to no client.
      repeat('remote-modern', ['test/remote/**/*.test.ts'], { MCP_TEST_ERA: 'modern' }, [
        'test/remote/settings.test.ts',
      ]),
      repeat('auto', [...AUTO, 'test/server/stdio.test.ts'], { MCP_TEST_ERA: 'auto' }),
      repeat('http-auto', AUTO, { MCP_TEST_TRANSPORT: 'http', MCP_TEST_ERA: 'auto' }),
    ],
  },
});
