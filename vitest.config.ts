import { defineConfig } from 'vitest/config';

/**
 * Every test as written (in-memory clients speaking 2025-11-25), and the contract tests again
 * over Streamable HTTP on 127.0.0.1 (MCP_TEST_TRANSPORT=http: remote mode must answer exactly like
 * stdio) and in the 2026-07-28 era (MCP_TEST_ERA=modern: a client pinned to it; auto: a client
 * that probes with server/discover), through test/helpers/mcp.ts's connectClient.
 */
// Not upstream-pressure: its subject is the upstream pool under one burst of calls, which over HTTP
// arrives in waves (connections opening), so its reconnect count measures the test's timing.
const OVER_HTTP = [
  'test/server/tools-surface.test.ts',
  'test/server/find-customers.test.ts',
  'test/server/summary-shape.test.ts',
  'test/quentli/**/*.test.ts',
  'test/flexprice/**/*.test.ts',
  'test/maple/**/*.test.ts',
  'test/reliability/hostile-input.test.ts',
  'test/reliability/faults.test.ts',
  'test/reliability/hostile-answers.test.ts',
];

/** Through the built bin over stdio, the secret scan among them: again with a 2026-07-28 client. */
const OVER_STDIO = [
  'test/server/stdio.test.ts',
  'test/reliability/secrets.test.ts',
  'test/reliability/stdio.test.ts',
];

/** A client that negotiates (`mode: 'auto'`) lands on 2026-07-28: the surface, checked once. */
const AUTO = [
  'test/server/tools-surface.test.ts',
  'test/server/find-customers.test.ts',
  'test/server/summary-shape.test.ts',
];

export default defineConfig({
  test: {
    // Generous ceilings: a test that passes takes its own time, and on a loaded 2-core machine
    // spawning a process or opening sockets can outlast vitest's 5 s default without any fault.
    // Speed is the benchmark's business, not a timeout's.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'http', include: OVER_HTTP, env: { MCP_TEST_TRANSPORT: 'http' } },
      },
      {
        extends: true,
        test: { name: 'modern', include: OVER_HTTP, env: { MCP_TEST_ERA: 'modern' } },
      },
      {
        extends: true,
        test: {
          name: 'http-modern',
          include: OVER_HTTP,
          env: { MCP_TEST_TRANSPORT: 'http', MCP_TEST_ERA: 'modern' },
        },
      },
      {
        extends: true,
        test: { name: 'stdio-modern', include: OVER_STDIO, env: { MCP_TEST_ERA: 'modern' } },
      },
      {
        // Remote mode's own suites (auth, tenants, instances, the bin) with 2026-07-28 clients.
        extends: true,
        test: {
          name: 'remote-modern',
          include: ['test/remote/**/*.test.ts'],
          env: { MCP_TEST_ERA: 'modern' },
        },
      },
      {
        extends: true,
        test: {
          name: 'auto',
          include: [...AUTO, 'test/server/stdio.test.ts'],
          env: { MCP_TEST_ERA: 'auto' },
        },
      },
      {
        extends: true,
        test: {
          name: 'http-auto',
          include: AUTO,
          env: { MCP_TEST_TRANSPORT: 'http', MCP_TEST_ERA: 'auto' },
        },
      },
    ],
  },
});
