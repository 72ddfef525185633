/**
 * Operator settings through the built bin, as an operator runs it: masking of personal fields
 * (BILLING_MCP_MASK) on every provider and in find_customers, over stdio; the audit log
 * (BILLING_MCP_AUDIT_LOG) over stdio and over HTTP with a static token, every field checked, the
 * HMAC recomputed from the key, and no key, token or looked-up value in the file.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditRecord } from '../../src/audit.js';
import { parseMask } from '../../src/mask.js';
import { PROVIDER_IDS } from '../../src/providers/registry.js';
import { createCapture } from '../helpers/capture.js';
import { connectHttpClient, spawnHttpBin } from '../helpers/http.js';
import { structured, toolError } from '../helpers/mcp.js';
import { spawnClient } from '../helpers/process.js';
import { BASE_ENV, runBin } from '../helpers/run.js';

type Row = Record<string, unknown> & {
  email: string | null;
  phone: string | null;
  metadata: Record<string, string>;
  address?: Record<string, string | null> | null;
};
type Section = { provider: string; items?: Row[] };

const AUDIT_KEY = 'operator-test-audit-key-0123456789';
const TOKEN = 'operator-test-static-token-abcdefghijklmnop';
const hmac = (value: string) => createHmac('sha256', AUDIT_KEY).update(value).digest('hex');

describe('masking (BILLING_MCP_MASK), stdio --demo', { timeout: 60_000 }, () => {
  it('email, phone, address and metadata are masked on every provider, in summary and full; filters still match the real values', async () => {
    const capture = createCapture();
    const { client, close } = await spawnClient(
      { BILLING_MCP_DEMO: '1', BILLING_MCP_MASK: 'email,phone,address,metadata' },
      capture,
    );
    try {
      expect(client.getInstructions()).toContain(
        'The operator masks email, phone, address, metadata',
      );
      for (const provider of PROVIDER_IDS) {
        for (const detail of ['summary', 'full']) {
          const page = structured<{ items: Row[] }>(
            await client.callTool({
              name: `${provider}_list_customers`,
              arguments: { take: 20, detail },
            }),
          );
          expect(page.items.length).toBeGreaterThan(0);
          for (const row of page.items) {
            if (row.email !== null) expect(row.email).toMatch(/^.\*\*\*@[^@]+$/u);
            if (row.phone !== null) expect(row.phone).toMatch(/•••/);
            for (const value of Object.values(row.metadata)) expect(value).toBe('•••');
            if (row.address) {
              for (const part of ['line1', 'city', 'postal_code'])
                if (row.address[part] !== null) expect(row.address[part]).toBe('•••');
            }
            const text = JSON.stringify(row);
            // No address in clear anywhere in the row, details included.
            expect(text).not.toMatch(/[^*\s"]{2,}@[a-z0-9-]+\.example/i);
          }
        }
      }
      // The real address still finds the customer (the filter goes upstream unmasked).
      const found = structured<{ results: Section[] }>(
        await client.callTool({
          name: 'find_customers',
          arguments: { email: 'billing@sirius-media.example' },
        }),
      );
      const flexprice = found.results.find((section) => section.provider === 'flexprice');
      expect(flexprice?.items?.map((row) => row.email)).toEqual(['b***@sirius-media.example']);
    } finally {
      await close();
    }
  });

  it('an unknown field is a start-up error naming the allowed ones', async () => {
    const { code, stderr } = await runBin([], {
      ...BASE_ENV,
      BILLING_MCP_DEMO: '1',
      BILLING_MCP_MASK: 'email,name',
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain('"name" is not a field that can be masked');
  });
});

function auditLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('audit log (BILLING_MCP_AUDIT_LOG)', { timeout: 60_000 }, () => {
  it('stdio: one line per tool call with every field, success and each error; values only as HMAC', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-stdio-')), 'audit.jsonl');
    const capture = createCapture();
    const { client, close } = await spawnClient(
      {
        BILLING_MCP_DEMO: '1',
        BILLING_MCP_AUDIT_LOG: file,
        BILLING_MCP_AUDIT_KEY: AUDIT_KEY,
      },
      capture,
    );
    const found = structured<{ results: Section[] }>(
      await client.callTool({
        name: 'find_customers',
        arguments: { email: 'Billing@Sirius-Media.example' },
        _meta: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      }),
    );
    const flexId = found.results.find((s) => s.provider === 'flexprice')?.items?.[0]?.id;
    expect(
      toolError(
        await client.callTool({ name: 'maple_get_customer', arguments: { id: 'cus_nobody_1' } }),
      ).code,
    ).toBe('not_found');
    expect(
      toolError(await client.callTool({ name: 'quentli_list_customers', arguments: { take: 0 } }))
        .code,
    ).toBe('invalid_argument');
    await close();
    // The line is appended once the call is answered; the bin flushes before it exits.
    await expect.poll(() => auditLines(file).length, { timeout: 5000 }).toBe(3);
    const [find, get, list] = auditLines(file) as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(find).toMatchObject({
      transport: 'stdio',
      principal: { kind: 'local' },
      tool: 'find_customers',
      providers: [...PROVIDER_IDS],
      args: { email: hmac('billing@sirius-media.example') },
      result: 'ok',
      customer_ids: [`flexprice:${flexId}`],
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    expect(typeof find.time).toBe('string');
    expect(typeof find.duration_ms).toBe('number');
    expect(find.request_id).not.toBeNull();
    expect(get).toMatchObject({
      tool: 'maple_get_customer',
      providers: ['maple'],
      args: { id: hmac('cus_nobody_1') },
      result: 'not_found',
      customer_ids: [],
      trace_id: null,
    });
    expect(list).toMatchObject({ tool: 'quentli_list_customers', result: 'invalid_argument' });
    const raw = readFileSync(file, 'utf8').toLowerCase();
    expect(raw).not.toContain('sirius-media');
    expect(raw).not.toContain(AUDIT_KEY.toLowerCase());
    expect(capture.texts.join('')).not.toContain(AUDIT_KEY);
  });

  it('HTTP with a static token: the principal is the token holder, and neither token nor key is written', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-http-')), 'audit.jsonl');
    const bin = await spawnHttpBin(['--demo'], {
      BILLING_MCP_HTTP_TOKEN: TOKEN,
      BILLING_MCP_AUDIT_LOG: file,
      BILLING_MCP_AUDIT_KEY: AUDIT_KEY,
    });
    try {
      const client = await connectHttpClient(bin.url, { authorization: `Bearer ${TOKEN}` });
      await client.callTool({ name: 'quentli_list_customers', arguments: { take: 2 } });
      await client.close();
      await expect.poll(() => auditLines(file).length, { timeout: 5000 }).toBe(1);
      const [line] = auditLines(file);
      expect(line).toMatchObject({
        transport: 'http',
        principal: { kind: 'token', name: 'token' },
        tool: 'quentli_list_customers',
        providers: ['quentli'],
        args: { take: hmac('2') },
        result: 'ok',
      });
      expect(line?.customer_ids).toHaveLength(2);
      const raw = readFileSync(file, 'utf8');
      expect(raw).not.toContain(TOKEN);
      expect(raw).not.toContain(AUDIT_KEY);
    } finally {
      await bin.stop();
    }
  });

  it('without BILLING_MCP_AUDIT_KEY the bin refuses to start, naming it', async () => {
    const { code, stderr } = await runBin([], {
      ...BASE_ENV,
      BILLING_MCP_DEMO: '1',
      BILLING_MCP_AUDIT_LOG: 'stderr',
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain('BILLING_MCP_AUDIT_KEY must be too');
  });
});

describe('docs/operations.md, run as written', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
  const blocks = (lang: string) =>
    [...doc.matchAll(new RegExp(`\`\`\`${lang}\n([\\s\\S]*?)\`\`\``, 'g'))].map(
      (m) => m[1] as string,
    );

  it('the masking example names fields the server accepts', () => {
    const line = blocks('sh').find((block) => block.includes('BILLING_MCP_MASK='));
    const value = /BILLING_MCP_MASK="([^"]+)"/.exec(line ?? '')?.[1];
    expect(value).toBeDefined();
    expect([...(parseMask(value)?.fields ?? [])]).toEqual(['email', 'phone']);
  });

  it("the audit line example has every field of a real line, and the investigator's grep finds the call", () => {
    const example = JSON.parse(blocks('json').find((b) => b.includes('"customer_ids"')) ?? '{}');
    const real = auditRecord(
      {
        tool: 'find_customers',
        providers: ['maple'],
        args: { email: 'jane@acme.com' },
        principal: { kind: 'local' },
        result: 'ok',
        customerIds: ['maple:cus_2'],
        durationMs: 3,
        requestId: 1,
        traceId: null,
        transport: 'stdio',
      },
      AUDIT_KEY,
      new Date(),
    );
    expect(Object.keys(example)).toEqual(Object.keys(real));
    const file = join(mkdtempSync(join(tmpdir(), 'audit-doc-')), 'audit.jsonl');
    writeFileSync(file, `${JSON.stringify(real)}\n`);
    const script = blocks('sh').find((block) => block.includes('openssl dgst')) ?? '';
    const out = execFileSync('bash', ['-c', script], {
      env: {
        PATH: process.env.PATH ?? '',
        BILLING_MCP_AUDIT_KEY: AUDIT_KEY,
        BILLING_MCP_AUDIT_LOG: file,
      },
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim())).toMatchObject({
      tool: 'find_customers',
      customer_ids: ['maple:cus_2'],
    });
  });
});
