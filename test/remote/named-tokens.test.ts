/**
 * Named static tokens (BILLING_MCP_HTTP_TOKENS_FILE): every rule of the file's format with its
 * line number, docs/remote.md's example file and its shell recipe run as written, and the built
 * bin serving each holder only its providers (the 403 outside them, its name in the audit line)
 * beside the single BILLING_MCP_HTTP_TOKEN, through the real SDK client.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { parseTokensFile } from '../../src/transport/http/named-tokens.js';
import { configError } from '../helpers/config.js';
import { connectHttpClient, type HttpBin, postMcp, spawnHttpBin } from '../helpers/http.js';
import { codeBlocks, shellCommands, words } from '../helpers/readme.js';
import { runProcess } from '../helpers/run.js';

const REMOTE = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'remote.md'), 'utf8');
const ACCESS = REMOTE.slice(
  REMOTE.indexOf('## Per-provider access'),
  REMOTE.indexOf('## Limits and shutdown'),
);
const ALL = ['quentli', 'flexprice', 'maple'] as const;
const HEX = 'a'.repeat(64);
const digestOf = (token: string) => createHash('sha256').update(token).digest('hex');

function parseError(content: string, configured: readonly string[] = ALL): string {
  try {
    parseTokensFile(content, configured as never);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('the tokens file format', () => {
  it('reads names, digests and grants; comments, blank lines, tabs, CRLF and upper-case hex are fine', () => {
    const file = [
      '# holders',
      '',
      `support-desk sha256:${digestOf('support-token-0123456789')} quentli,maple`,
      `finance\tsha256:${digestOf('finance-token-0123456789').toUpperCase()}\tmaple,flexprice\r`,
      '   ',
    ].join('\n');
    const tokens = parseTokensFile(file, ALL);
    expect(tokens.map((t) => [t.name, t.grant])).toEqual([
      ['support-desk', ['quentli', 'maple']],
      // Grants come back in provider order, whatever order the line gives.
      ['finance', ['flexprice', 'maple']],
    ]);
    expect(tokens[1]?.digest.toString('hex')).toBe(digestOf('finance-token-0123456789'));
  });

  it('a provider that is not configured is dropped from a grant that still has one', () => {
    const [token] = parseTokensFile(`ops sha256:${HEX} quentli,maple`, ['maple']);
    expect(token?.grant).toEqual(['maple']);
  });

  const pasted = 'tok_this-is-a-raw-token-0123456789';
  it.each([
    ['non-ASCII', `desk sha256:${HEX} quentli\u200b`, 'line 1: only visible ASCII'],
    ['a control character', `desk sha256:${HEX}\u0000 quentli`, 'line 1: only visible ASCII'],
    ['two fields', `# x\ndesk sha256:${HEX}`, 'line 2: expected <name> sha256:'],
    ['four fields', `desk sha256:${HEX} quentli extra`, '(3 fields, got 4)'],
    ['a bad name', `-desk sha256:${HEX} quentli`, 'line 1: the name must be 1 to 64'],
    ['a long name', `${'n'.repeat(65)} sha256:${HEX} quentli`, 'line 1: the name must be'],
    ['the reserved name', `token sha256:${HEX} quentli`, 'line 1: the name "token" is reserved'],
    [
      'a repeated name',
      `desk sha256:${HEX} quentli\ndesk sha256:${'b'.repeat(64)} maple`,
      'line 2: the name desk is already used on line 1',
    ],
    ['a raw token', `desk ${pasted} quentli`, 'line 1: the second field must be sha256:'],
    ['a short digest', `desk sha256:${'a'.repeat(63)} quentli`, 'the second field must be'],
    ['another hash', `desk md5:${'a'.repeat(32)} quentli`, 'the second field must be'],
    [
      'a repeated digest',
      `desk sha256:${HEX} quentli\nops sha256:${HEX.toUpperCase()} maple`,
      'line 2: the same token as line 1',
    ],
    ['an unknown provider', `desk sha256:${HEX} quentli,stripe`, 'line 1: the providers must be'],
    ['a repeated provider', `desk sha256:${HEX} maple,maple`, 'the providers must be'],
    ['an empty provider', `desk sha256:${HEX} quentli,`, 'the providers must be'],
    ['no line', '# nobody yet\n\n', 'holds no token lines'],
  ])('%s → a start-up error naming the rule (and the line)', (_, content, message) => {
    const error = parseError(content);
    expect(error).toContain('BILLING_MCP_HTTP_TOKENS_FILE');
    expect(error).toContain(message);
    expect(error).not.toContain(pasted);
  });

  it('a line that grants only providers this server does not serve is refused', () => {
    expect(parseError(`desk sha256:${HEX} flexprice`, ['quentli', 'maple'])).toBe(
      'BILLING_MCP_HTTP_TOKENS_FILE line 1: desk is granted flexprice, none of which this server serves (configured: quentli, maple).',
    );
  });

  it('hostile input costs linear time: a megabyte line is refused at once', () => {
    const started = performance.now();
    expect(parseError(`desk sha256:${HEX} ${'quentli,'.repeat(131_072)}`)).toContain(
      'the providers must be',
    );
    expect(parseError(`${'x '.repeat(500_000)}`)).toContain('got 500000');
    // Not a speed target: a quadratic parse of these takes minutes.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('settings', () => {
  const KEY = { QUENTLI_API_KEY: 'sk_test_named_tokens' };
  const FILE = { BILLING_MCP_HTTP_TOKENS_FILE: '/run/secrets/tokens.txt' };
  const OAUTH = {
    BILLING_MCP_OAUTH_ISSUER: 'https://auth.example.com',
    BILLING_MCP_OAUTH_AUDIENCE: 'https://billing-mcp.example.com/mcp',
  };

  it('the tokens file is access control off the loopback, alone or beside BILLING_MCP_HTTP_TOKEN', () => {
    const off = ['--http', '--host', '0.0.0.0'];
    expect(loadConfig({ ...KEY, ...FILE }, off).http?.tokensFile).toBe('/run/secrets/tokens.txt');
    const both = loadConfig({ ...KEY, ...FILE, BILLING_MCP_HTTP_TOKEN: 'x'.repeat(32) }, off);
    expect(both.http).toMatchObject({
      token: 'x'.repeat(32),
      tokensFile: FILE.BILLING_MCP_HTTP_TOKENS_FILE,
    });
  });

  it.each([
    ['with OAuth', { ...FILE, ...OAUTH }, 'Choose one way to authenticate clients'],
    [
      'with header credentials',
      { ...FILE, BILLING_MCP_HTTP_CREDENTIALS: 'headers' },
      'BILLING_MCP_HTTP_TOKENS_FILE grants the operator',
    ],
    [
      'provider scopes with header credentials',
      { ...OAUTH, BILLING_MCP_OAUTH_PROVIDER_SCOPES: '1', BILLING_MCP_HTTP_CREDENTIALS: 'headers' },
      'BILLING_MCP_OAUTH_PROVIDER_SCOPES grants the operator',
    ],
    [
      'provider scopes without OAuth',
      { BILLING_MCP_OAUTH_PROVIDER_SCOPES: '1' },
      'BILLING_MCP_OAUTH_PROVIDER_SCOPES is set but BILLING_MCP_OAUTH_ISSUER is not',
    ],
    [
      'provider scopes set to something else',
      { ...OAUTH, BILLING_MCP_OAUTH_PROVIDER_SCOPES: 'yes' },
      'BILLING_MCP_OAUTH_PROVIDER_SCOPES must be 1 or 0',
    ],
  ])('%s → refused at start-up', (_, env, message) => {
    expect(configError({ ...KEY, ...env }, ['--http'])).toContain(message);
  });

  it("docs/remote.md's OAuth example turns provider scopes on", () => {
    const [block] = codeBlocks(ACCESS, 'sh');
    const [command = ''] = shellCommands(block ?? '');
    const parts = words(command);
    const env = Object.fromEntries(
      parts.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split('=') as [string, string]),
    );
    const argv = parts.slice(parts.indexOf('billing-customers-mcp') + 1);
    expect(loadConfig({ ...KEY, ...env }, argv).http?.oauth).toEqual({
      issuer: 'https://auth.example.com',
      audience: 'https://billing-mcp.example.com/mcp',
      providerScopes: true,
    });
    expect(
      loadConfig({ ...KEY, ...env, BILLING_MCP_OAUTH_PROVIDER_SCOPES: '0' }, argv).http?.oauth,
    ).not.toHaveProperty('providerScopes');
  });

  it("docs/remote.md's example file parses: its digests are those of the tokens test and test2", () => {
    const [example = ''] = codeBlocks(ACCESS, 'text').filter((b) => b.includes('sha256:'));
    const tokens = parseTokensFile(example, ALL);
    expect(tokens.map((t) => [t.name, t.digest.toString('hex'), t.grant])).toEqual([
      ['support-desk', digestOf('test'), ['quentli', 'maple']],
      ['finance', digestOf('test2'), ['quentli', 'flexprice', 'maple']],
    ]);
  });
});

describe('the built bin with a tokens file (--demo)', { timeout: 60_000 }, () => {
  const SINGLE = 'single-operator-token-0123456789abcdef';
  const AUDIT_KEY = 'named-tokens-audit-key-0123456789';
  const dir = mkdtempSync(join(tmpdir(), 'named-tokens-'));
  const audit = join(dir, 'audit.jsonl');
  let token = '';
  let bin: HttpBin;

  beforeAll(async () => {
    // docs/remote.md's recipe, run as written in an empty directory (its tokens.txt lands there).
    const recipe = codeBlocks(ACCESS, 'sh').find((b) => b.includes('openssl dgst')) ?? '';
    const out = execFileSync('bash', ['-ec', recipe], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    token = /the token for support-desk: (\S+)/.exec(out)?.[1] ?? '';
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    bin = await spawnHttpBin(['--demo'], {
      BILLING_MCP_HTTP_TOKENS_FILE: join(dir, 'tokens.txt'),
      BILLING_MCP_HTTP_TOKEN: SINGLE,
      BILLING_MCP_AUDIT_LOG: audit,
      BILLING_MCP_AUDIT_KEY: AUDIT_KEY,
    });
  });
  afterAll(() => bin?.stop());

  it('the file holds the digest, never the token', async () => {
    const file = await readFile(join(dir, 'tokens.txt'), 'utf8');
    expect(file).toBe(`support-desk sha256:${digestOf(token)} quentli,maple\n`);
    expect(file).not.toContain(token);
  });

  it("the holder sees its providers' tools only; a call outside them is 403; its name is in the audit line", async () => {
    const client = await connectHttpClient(bin.url, { authorization: `Bearer ${token}` });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([
        'quentli_get_customer',
        'quentli_list_customers',
        'maple_get_customer',
        'maple_list_customers',
        'find_customers',
      ]);
      const page = await client.callTool({ name: 'maple_list_customers', arguments: { take: 1 } });
      expect(page.isError).toBeFalsy();
      await expect(
        client.callTool({ name: 'flexprice_list_customers', arguments: {} }),
      ).rejects.toThrow();
    } finally {
      await client.close();
    }
    const refused = await postMcp(
      bin.url,
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'flexprice_get_customer', arguments: { id: 'x' } },
      },
      { authorization: `Bearer ${token}` },
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", error_description="Not granted: flexprice"',
    );
    await expect.poll(async () => readFile(audit, 'utf8').catch(() => '')).toContain('maple_list');
    const lines = (await readFile(audit, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.tool, l.principal])).toEqual([
      ['maple_list_customers', { kind: 'token', name: 'support-desk' }],
    ]);
    const everything = `${await readFile(audit, 'utf8')}${bin.stderr()}`;
    for (const secret of [token, SINGLE, AUDIT_KEY]) expect(everything).not.toContain(secret);
  });

  it('BILLING_MCP_HTTP_TOKEN beside the file still grants every provider; other tokens get 401', async () => {
    const client = await connectHttpClient(bin.url, { authorization: `Bearer ${SINGLE}` });
    expect((await client.listTools()).tools).toHaveLength(7);
    await client.close();
    // One character off (never the token itself, whatever its last digit), its digest, junk.
    const off = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
    for (const wrong of [off, digestOf(token), 'sha256']) {
      const response = await postMcp(
        bin.url,
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { authorization: `Bearer ${wrong}` },
      );
      expect(response.status).toBe(401);
    }
  });

  it('a broken file stops the start with the line named', async () => {
    const broken = join(dir, 'broken.txt');
    writeFileSync(broken, `# ok\nsupport-desk ${token} quentli\n`);
    const { code, stderr } = await runProcess(
      process.execPath,
      ['dist/index.js', '--demo', '--http', '--port', '0'],
      {
        env: { PATH: process.env.PATH ?? '', BILLING_MCP_HTTP_TOKENS_FILE: broken },
        timeoutMs: 20_000,
      },
    );
    expect(code).toBe(1);
    expect(stderr).toContain(
      'BILLING_MCP_HTTP_TOKENS_FILE line 2: the second field must be sha256:',
    );
    expect(stderr).not.toContain(token);
    const missing = await runProcess(
      process.execPath,
      ['dist/index.js', '--demo', '--http', '--port', '0'],
      {
        env: { PATH: process.env.PATH ?? '', BILLING_MCP_HTTP_TOKENS_FILE: join(dir, 'nope.txt') },
        timeoutMs: 20_000,
      },
    );
    expect(missing.stderr).toContain('BILLING_MCP_HTTP_TOKENS_FILE: cannot read');
  });
});
