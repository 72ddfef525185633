import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { redactDeep, Secrets } from '../../src/redact.js';
import { createServer } from '../../src/server.js';
import { MAX_STRING_CHARS, successResult } from '../../src/tools/result.js';
import { redacting } from '../../src/transport/redacting.js';
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

  it('hides a key whose special characters are spelled differently in the echo: some percent-encoded and some not, JSON or HTML escapes', () => {
    const key = 'fp$&KEY$1/x+y=z"q\\w&__tail_0042';
    const secrets = new Secrets();
    secrets.add(key);
    const encodedHead = `${encodeURIComponent(key.slice(0, 10))}${key.slice(10)}`;
    const encodedTail = `${key.slice(0, 10)}${encodeURIComponent(key.slice(10))}`;
    const escapes = new Map([
      ['"', '\\"'],
      ['\\', '\\\\'],
      ['/', '\\/'],
    ]);
    const jsonEscaped = [...key].map((c) => escapes.get(c) ?? c).join('');
    const html = key.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    const numeric = key.replace(/[^A-Za-z0-9]/g, (c) => `&#${c.charCodeAt(0)};`);
    const unicode = key.replace(
      /[^A-Za-z0-9]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const lowerHex = encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
    for (const form of [encodedHead, encodedTail, jsonEscaped, html, numeric, unicode, lowerHex]) {
      expect(secrets.redact(`invalid api key: ${form}.`), form).toBe(
        'invalid api key: [redacted].',
      );
    }
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
  it('keeps a tool result consistent: the text is still exactly the JSON of the redacted structuredContent, whatever spelling the data used', () => {
    const key = 'sk_live_Q"uo\\te/KEY_0042';
    const secrets = new Secrets();
    secrets.add(key);
    const spelled = [
      key,
      key.replace(/_/g, '\\u005f'),
      key.replace(/"/g, '\\"').replace(/\\(?!")/g, '\\\\'),
      key.replace(/[^A-Za-z0-9]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ];
    for (const form of spelled) {
      const structuredContent = { name: `x ${form} y`, metadata: { [form]: form } };
      const result = {
        structuredContent,
        content: [{ type: 'text', text: JSON.stringify(structuredContent) }],
      };
      const out = redactDeep(result, [secrets]);
      expect(JSON.stringify(out.structuredContent), form).not.toContain('sk_live');
      expect(out.content[0]?.text, form).toBe(JSON.stringify(out.structuredContent));
    }
  });

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

  it('hands back a message that holds no credential as it is (no copy), and still finds one that does, however escaped', () => {
    const secrets = new Secrets();
    secrets.add(KEY);
    const clean = {
      result: { items: [{ name: 'Amara "Mara" García\t\\', metadata: { a: 'b' } }] },
    };
    expect(redactDeep(clean, [secrets])).toBe(clean);
    // Characters JSON escapes (quote, backslash, tab) right beside the key, in a value and a key.
    for (const around of ['"', '\\', '\t', '\u0000']) {
      const held = { a: [{ [`${around}${KEY}`]: `${around}${KEY}${around}` }] };
      expect(JSON.stringify(redactDeep(held, [secrets])), around).not.toContain(KEY);
    }
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

describe('redacting (the outgoing filter every server instance sends through)', () => {
  it("redacts every message a server sends against each Secrets given (remote mode: the request's own keys)", async () => {
    const requestKeys = new Secrets();
    requestKeys.add('Bearer hdr_tenant_KEY_0042');
    const server = createServer(
      { providers: [], version: '0.0.0-test' },
      { outgoing: redacting(() => [new Secrets(), requestKeys]) },
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
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

describe('a key straddling a length cut (redaction runs after it, at the transport)', () => {
  const key = 'mpl.tok~ABCdef0123456789.sig:XYZ$42';
  it.each([
    ['as sent', key],
    ['percent-encoded', encodeURIComponent(key)],
    ['JSON-escaped in upstream text', key.replace(/\./g, '\\u002e')],
  ])('the 32 Ki string cut leaves no part of it (%s)', (_, form) => {
    for (let shift = 1; shift < form.length; shift += 3) {
      const name = 'x '.repeat(MAX_STRING_CHARS).slice(0, MAX_STRING_CHARS - shift);
      const result = successResult({ name: `${name}${form} and more ${'z'.repeat(100)}` });
      const text = (result.content[0] as { text: string }).text.slice(-200);
      expect(text, `shift ${shift}`).toContain('…[cut:');
      expect(text, `shift ${shift}`).not.toContain(form.slice(0, Math.min(shift, 6)));
    }
  });
});

/** CONTRACT §5: redaction in linear time, every spelling, and failing closed. */
describe('redaction in linear time, whatever the keys hold', () => {
  const percentAll = (key: string) =>
    [...Buffer.from(key)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  const jsonLevels = (text: string, levels: number) => {
    let out = text;
    for (let i = 0; i < levels; i++) out = JSON.stringify(out).slice(1, -1);
    return out;
  };

  it('a 2,000-character key of punctuation against 1 MB of the same punctuation: the check completes and is exact (the old backtracking regex took minutes)', () => {
    const key = `${'~!*'.repeat(667)}`.slice(0, 2000);
    const secrets = new Secrets();
    secrets.add(key);
    // Near misses: every third position matches all but the key's last character, which is
    // what made each check cost text length × key length.
    const nearMiss = `${key.slice(0, -1)} `.repeat(500);
    expect(nearMiss.length).toBe(1_000_000);
    expect(secrets.holds(nearMiss)).toBe(false);
    expect(secrets.redact(nearMiss)).toBe(nearMiss);
    const text = `${nearMiss.slice(0, 300_000)}b ${percentAll(key)} c`;
    expect(secrets.redact(text)).toBe(`${nearMiss.slice(0, 300_000)}b [redacted] c`);
  });

  it('a key far beyond what a regular expression could hold (7,000 punctuation characters) registers and is redacted', () => {
    const key = '~!*('.repeat(1750);
    const secrets = new Secrets();
    expect(() => secrets.add(key)).not.toThrow();
    expect(secrets.redact(`x ${encodeURIComponent(key)} y`)).toBe('x [redacted] y');
  });

  it('a key with every byte percent-encoded, letters and digits included, in either case', () => {
    const key = 'sk_live_ABCdef0123456789';
    const secrets = new Secrets();
    secrets.add(key);
    for (const form of [
      percentAll(key),
      percentAll(key).toUpperCase(),
      percentAll(percentAll(key)),
    ]) {
      expect(secrets.redact(`invalid key ${form}.`), form).toBe('invalid key [redacted].');
    }
  });

  it('keys holding a backslash, a quote or a TAB, echoed as JSON inside JSON at any depth: the message fast path finds them', () => {
    for (const key of ['pk\\live"Q\\"x_0042', 'tab\tkey_0042\\', 'k\\\\"\\"end\\']) {
      const secrets = new Secrets();
      secrets.add(key);
      for (let levels = 0; levels <= 4; levels++) {
        const message = {
          jsonrpc: '2.0',
          id: 1,
          error: { message: `echo "${jsonLevels(key, levels)}" end` },
        };
        const out = redactDeep(message, [secrets]);
        expect(out, `${JSON.stringify(key)} at ${levels}`).not.toBe(message);
        expect(out.error.message, `${JSON.stringify(key)} at ${levels}`).toContain('[redacted]');
        expect(out.error.message).not.toContain(jsonLevels(key, levels).slice(0, 8));
      }
    }
  });

  it('every spelling at once: \\u escapes, HTML entities (named, numeric, hex), percent, base64 inside JSON', () => {
    const key = 'fp$&KEY"\\tail€_0042';
    const secrets = new Secrets();
    secrets.add(key);
    const forms = [
      [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
      [...key].map((c) => `&#${c.codePointAt(0)};`).join(''),
      [...key].map((c) => `&#x000${(c.codePointAt(0) as number).toString(16)};`).join(''),
      key.replace(/&/g, '&amp;').replace(/"/g, '&QUOT;'),
      jsonLevels(encodeURIComponent(key), 2),
      jsonLevels(Buffer.from(`user:${key}`).toString('base64'), 1),
    ];
    for (const form of forms.slice(0, -1)) {
      expect(secrets.redact(`a ${form} b`), form).toBe('a [redacted] b');
      expect(JSON.stringify(redactDeep({ m: `a ${form} b` }, [secrets])), form).toBe(
        '{"m":"a [redacted] b"}',
      );
    }
    // Embedded in base64 after `user:`, only the groups made of key bytes alone are fixed text.
    const embedded = forms.at(-1) as string;
    const out = JSON.stringify(redactDeep({ m: `a ${embedded} b` }, [secrets]));
    expect(out).toContain('[redacted]');
    expect(out).not.toContain(embedded.slice(12, 24));
  });

  it('a tool result stays exactly the JSON of its structuredContent, for keys holding JSON specials', () => {
    const key = 'q"uo\\te\t/KEY_0042\\';
    const secrets = new Secrets();
    secrets.add(key);
    const structuredContent = { a: `x ${key} y`, [key]: [key, `${jsonLevels(key, 2)}!`] };
    const result = {
      structuredContent,
      content: [{ type: 'text', text: JSON.stringify(structuredContent) }],
    };
    const out = redactDeep(result, [secrets]);
    expect(out.content[0]?.text).toBe(JSON.stringify(out.structuredContent));
    expect(out.content[0]?.text).not.toContain('KEY_0042');
  });

  it('fails closed: when redaction throws, the transport answers with a coded error that carries no key, and logs no key', async () => {
    const key = 'hdr_tenant_KEY_0042_~!*';
    const broken = new Secrets();
    broken.add(key);
    let armed = false;
    const holds = broken.holds.bind(broken);
    broken.holds = (text) => {
      if (!armed) return holds(text);
      throw new Error(`Invalid regular expression: /${key}/: Regular expression too large`);
    };
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const server = createServer(
        { providers: [], version: '0.0.0-test' },
        { outgoing: redacting(() => [broken]) },
      );
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const client = new Client({ name: 'test', version: '0' });
      await client.connect(clientSide);
      armed = true;
      const message = await client.listTools(undefined, { timeout: 5000 }).then(
        () => 'answered',
        (error: Error) => error.message,
      );
      expect(message).toContain('redaction_failed');
      expect(message).not.toContain('KEY_0042');
      await client.close();
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).not.toContain('KEY_0042');
  });
});
