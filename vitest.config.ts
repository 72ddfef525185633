import { defineConfig } from 'vitest/config';

/**
 * Two projects: every test as written (in-memory clients), and the contract tests again with
 * MCP_TEST_TRANSPORT=http, where test/helpers/mcp.ts's connectClient serves the same server over
 * Streamable HTTP on 127.0.0.1 (remote mode must answer exactly like stdio).
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

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'http', include: OVER_HTTP, env: { MCP_TEST_TRANSPORT: 'http' } },
      },
    ],
  },
});
