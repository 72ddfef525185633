import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { redactDeep, Secrets } from '../../src/redact.js';
import { createServer } from '../../src/server.js';
import { redactOutgoing } from '../../src/transport/redacting.js';
import { echoedForms } from '../helpers/capture.js';

const KEY = 'sk_live_LOGtest/KEY+123=x';

describe('Secrets', () => {
  it('hides a key given with spaces and a scheme word, in every form a provider could echo', () => {
    const secrets = new Secrets();
    secrets.add(`  Bearer ${KEY}\n`);
    for (const form of [...echoedForms(KEY), KEY.toUpperCase(), KEY.toLowerCase()]) {
      const out = secrets.redact(`invalid api key: ${form} (see docs)`);
      expect(out, form).toContain('[redacted]');
      expect(out, form).not.toContain(KEY.slice(0, 12));
      expect(out.toLowerCase(), form).not.toContain(form.toLowerCase());
    }
    expect(secrets.redact(`Bearer ${KEY}`)).toBe('[redacted]');
  });

  it('escapes regex specials and leaves other text alone', () => {
    const secrets = new Secrets();
    secrets.add('a.b*c(d)[e]$f^g|h');
    expect(secrets.redact('xa.b*c(d)[e]$f^g|hx and aXb')).toBe('x[redacted]x and aXb');
  });

  it('ignores empty and too-short values rather than redacting everything', () => {
    const secrets = new Secrets();
    secrets.add('');
    secrets.add('ab');
    secrets.add('abcde');
    secrets.add(undefined);
    expect(secrets.redact('a b ab abcde')).toBe('a b ab abcde');
  });
});

describe('redactDeep', () => {
  it('copies a JSON value with every string and key redacted, without touching the input', () => {
    const secrets = new Secrets();
    secrets.add(KEY);
    const input = { [KEY]: [KEY, 1, null, { msg: `x ${KEY}` }], ok: true };
    const out = redactDeep(input, [new Secrets(), secrets]);
    expect(JSON.stringify(out)).toBe(
      '{"[redacted]":["[redacted]",1,null,{"msg":"x [redacted]"}],"ok":true}',
    );
    expect(input[KEY]?.[0]).toBe(KEY);
  });

  it('does not overflow the stack on deep input', () => {
    const secrets = new Secrets();
    secrets.add(KEY);
    let deep: unknown = KEY;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    let out = redactDeep(deep, [secrets]);
    for (let i = 0; i < 100_000; i++) out = (out as unknown[])[0];
    expect(out).toBe('[redacted]');
  });
});

describe('redactOutgoing', () => {
  it("redacts every message a transport sends against each Secrets given (remote mode: the request's own keys)", async () => {
    const requestKeys = new Secrets();
    requestKeys.add('Bearer hdr_tenant_KEY_0042');
    const server = createServer({ providers: [], version: '0.0.0-test' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(redactOutgoing(serverSide, () => [new Secrets(), requestKeys]));
    const client = new Client({ name: 'test', version: '0' });
    await client.connect(clientSide);
    const message = await client.callTool({ name: 'x_hdr_tenant_KEY_0042', arguments: {} }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    expect(message).toContain('Unknown tool x_[redacted]');
    await client.close();
  });
});
