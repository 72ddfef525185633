import { describe, expect, it } from 'vitest';
import { loadConfig, normalizeBaseUrl } from '../../src/config.js';
import { configError } from '../helpers/config.js';

const quentliOnly = { QUENTLI_API_KEY: 'sk_test_config' };

// The literal text an MCPB host may pass for an empty optional setting.
const placeholder = (name: string) => `\${user_config.${name}}`;

describe('loadConfig', () => {
  it('enables exactly the providers whose credentials are set, in registry order', () => {
    const config = loadConfig(
      { MAPLE_API_KEY: 'mk', MAPLE_COMPANY_ID: 'cmp_1', QUENTLI_API_KEY: 'qk' },
      [],
    );
    expect(config.providers.map((p) => p.entry.id)).toEqual(['quentli', 'maple']);
    expect(config.providers[1]?.settings).toEqual({
      baseUrl: 'https://api.maplebilling.com/api/v1',
      apiKey: 'mk',
      extras: { companyId: 'cmp_1' },
    });
    expect(config).toMatchObject({
      command: 'serve',
      demo: false,
      timeoutMs: 15000,
      maxRetries: 2,
    });
  });

  it('fails with the list of variables when no provider is configured', () => {
    const message = configError({});
    for (const name of [
      'QUENTLI_API_KEY',
      'FLEXPRICE_API_KEY',
      'MAPLE_API_KEY',
      'MAPLE_COMPANY_ID',
      '--demo',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('treats blank keys and unexpanded MCPB placeholders as unset', () => {
    expect(configError({ QUENTLI_API_KEY: '   ' })).toContain('No billing provider');
    const config = loadConfig(
      {
        QUENTLI_API_KEY: 'qk',
        QUENTLI_BASE_URL: placeholder('quentli_base_url'),
        FLEXPRICE_API_KEY: placeholder('flexprice_api_key'),
      },
      [],
    );
    expect(config.providers.map((p) => p.entry.id)).toEqual(['quentli']);
    expect(config.providers[0]?.settings.baseUrl).toBe('https://api.quentli.com/v1');
  });

  it('requires MAPLE_COMPANY_ID together with MAPLE_API_KEY', () => {
    expect(configError({ MAPLE_API_KEY: 'mk' })).toMatch(/MAPLE_COMPANY_ID is not/);
  });

  it('leaves Maple off, without complaint, when only MAPLE_COMPANY_ID is set', () => {
    const config = loadConfig({ QUENTLI_API_KEY: 'qk', MAPLE_COMPANY_ID: 'cmp_1' }, []);
    expect(config.providers.map((p) => p.entry.id)).toEqual(['quentli']);
  });

  it('starts with no provider in --demo mode, ignoring real keys', () => {
    const config = loadConfig(quentliOnly, ['--demo']);
    expect(config).toMatchObject({ demo: true, providers: [] });
  });

  it('parses help, version and doctor, and rejects unknown flags and commands with usage', () => {
    expect(loadConfig({}, ['--help']).command).toBe('help');
    expect(loadConfig({}, ['--version']).command).toBe('version');
    expect(loadConfig(quentliOnly, ['doctor']).command).toBe('doctor');
    expect(configError(quentliOnly, ['--api-key=sk_x'])).toMatch(/Unknown option[\s\S]*Usage:/);
    expect(configError(quentliOnly, ['serve', 'now'])).toMatch(/Unknown command[\s\S]*Usage:/);
  });

  it('takes BILLING_MCP_DEMO=1 or true as --demo (the MCPB Sandbox setting), 0/false/empty as off', () => {
    for (const on of ['1', 'true', 'TRUE', ' true '])
      expect(loadConfig({ BILLING_MCP_DEMO: on }, []).demo, on).toBe(true);
    for (const off of ['0', 'false', '', `\${user_config.sandbox}`])
      expect(loadConfig({ ...quentliOnly, BILLING_MCP_DEMO: off }, []).demo, off).toBe(false);
    expect(configError({ BILLING_MCP_DEMO: 'yes' })).toContain('BILLING_MCP_DEMO');
  });

  it('never quotes a BILLING_MCP_DEMO value that may be a key pasted into the wrong setting', () => {
    const pasted = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const message = configError({ BILLING_MCP_DEMO: pasted });
    expect(message).toContain('BILLING_MCP_DEMO must be 1, true, 0 or false');
    expect(message).not.toContain(pasted);
    expect(message).toContain(`a value of ${pasted.length} characters`);
    expect(configError({ BILLING_MCP_DEMO: 'maybe' })).toContain('(got "maybe")');
  });

  it('reads the timeout and retry settings and rejects nonsense naming the variable', () => {
    const config = loadConfig(
      { ...quentliOnly, BILLING_MCP_TIMEOUT_MS: '2500', BILLING_MCP_MAX_RETRIES: '0' },
      [],
    );
    expect(config).toMatchObject({ timeoutMs: 2500, maxRetries: 0 });
    expect(configError({ ...quentliOnly, BILLING_MCP_TIMEOUT_MS: 'soon' })).toContain(
      'BILLING_MCP_TIMEOUT_MS',
    );
    expect(configError({ ...quentliOnly, BILLING_MCP_MAX_RETRIES: '-1' })).toContain(
      'BILLING_MCP_MAX_RETRIES',
    );
  });

  it('BILLING_MCP_MAX_CONNECTIONS: default 64, 1 to 1024, anything else a start-up error', () => {
    expect(loadConfig(quentliOnly, []).maxConnections).toBe(64);
    for (const ok of ['1', '256', '1024'])
      expect(
        loadConfig({ ...quentliOnly, BILLING_MCP_MAX_CONNECTIONS: ok }, []).maxConnections,
      ).toBe(Number(ok));
    for (const bad of ['0', '1025', '16.5', 'lots']) {
      expect(configError({ ...quentliOnly, BILLING_MCP_MAX_CONNECTIONS: bad })).toContain(
        'BILLING_MCP_MAX_CONNECTIONS must be a whole number from 1 to 1024',
      );
    }
  });
});

describe('normalizeBaseUrl', () => {
  const quentli = {
    baseUrlEnv: 'QUENTLI_BASE_URL',
    defaultOrigin: 'https://api.quentli.com',
    apiPrefix: '/v1',
  };
  const maple = {
    baseUrlEnv: 'MAPLE_BASE_URL',
    defaultOrigin: 'https://api.maplebilling.com',
    apiPrefix: '/api/v1',
  };

  it.each([
    'https://api.demo.quentli.com',
    'https://api.demo.quentli.com/',
    'https://api.demo.quentli.com/v1',
    'https://api.demo.quentli.com/v1/',
  ])('treats %s as the bare origin', (raw) => {
    expect(normalizeBaseUrl(raw, quentli)).toBe('https://api.demo.quentli.com/v1');
  });

  it('accepts /api/v1 for Maple and keeps a proxy path', () => {
    expect(normalizeBaseUrl('https://api.getmeasure.com/api/v1/', maple)).toBe(
      'https://api.getmeasure.com/api/v1',
    );
    expect(normalizeBaseUrl('http://127.0.0.1:9000/proxy/maple', maple)).toBe(
      'http://127.0.0.1:9000/proxy/maple/api/v1',
    );
  });

  it('uses the default origin when unset', () => {
    expect(normalizeBaseUrl(undefined, quentli)).toBe('https://api.quentli.com/v1');
  });

  it.each([
    'not a url',
    'ftp://api.quentli.com',
    'https://user:pw@api.quentli.com',
    'https://x.test/?a=1',
  ])('rejects %s naming the variable', (raw) => {
    expect(() => normalizeBaseUrl(raw, quentli)).toThrow(/QUENTLI_BASE_URL/);
  });
});
