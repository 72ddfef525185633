/**
 * What a new user is told on stderr at start-up about their settings:
 * a key too short to be redacted, and the Claude Desktop bundle's Sandbox with its key settings
 * left empty (hosts may pass `${user_config.…}` through literally).
 */
import { describe, expect, it } from 'vitest';
import { BASE_ENV, BIN, runProcess } from '../helpers/run.js';

/**
 * Starts the server, closes stdin once it says it is serving (so it exits cleanly after every
 * start-up notice) and returns what it said.
 */
async function startAndStop(env: Record<string, string>, args: string[] = []) {
  const result = await runProcess(process.execPath, [BIN, ...args], {
    env: { ...BASE_ENV, ...env },
    closeStdinWhen: ({ stderr }) => stderr.includes(' over stdio\n'),
  });
  expect(result.code, result.stderr).toBe(0);
  return result.stderr;
}

describe('start-up notices on stderr', () => {
  it('warns, naming the variable and never the value, when a key is too short to be redacted', async () => {
    const stderr = await startAndStop({
      QUENTLI_API_KEY: 'qk7',
      FLEXPRICE_API_KEY: 'a_long_enough_flexprice_key',
    });
    expect(stderr).toMatch(
      /QUENTLI_API_KEY is shorter than 6 characters: .*not redacted.*check the value/,
    );
    expect(stderr).not.toMatch(/FLEXPRICE_API_KEY is shorter/);
    expect(stderr).not.toContain('qk7');
    expect(stderr).toContain('serving quentli, flexprice over stdio');
  });

  it('says nothing about keys when every key is long enough', async () => {
    const stderr = await startAndStop({ MAPLE_API_KEY: 'mk_123456', MAPLE_COMPANY_ID: 'cmp_1' });
    expect(stderr).not.toMatch(/shorter than/);
  });

  it('with the bundle Sandbox on and its key settings left as placeholders, does not claim to ignore configured keys', async () => {
    const placeholder = (name: string) => ['$', '{user_config.', name, '}'].join('');
    const stderr = await startAndStop({
      QUENTLI_API_KEY: placeholder('quentli_api_key'),
      FLEXPRICE_API_KEY: '',
      MAPLE_API_KEY: placeholder('maple_api_key'),
      BILLING_MCP_DEMO: 'true',
    });
    expect(stderr).toContain('from the built-in sandbox (--demo)');
    expect(stderr).not.toMatch(/ignoring the configured API keys/);
    expect(stderr).not.toMatch(/shorter than/);
  });

  it('with --demo and a real key set, still says the key is ignored (and does not warn about its length)', async () => {
    const stderr = await startAndStop({ QUENTLI_API_KEY: 'qk7' }, ['--demo']);
    expect(stderr).toMatch(/--demo: ignoring the configured API keys/);
    expect(stderr).not.toMatch(/shorter than/);
  });
});
