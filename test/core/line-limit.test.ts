import { describe, expect, it } from 'vitest';
import { LineGate, requestIdOf } from '../../src/transport/line-limit.js';

/** Feeds `chunks` through a gate of `limit` bytes; returns what passed and what was refused. */
async function gate(limit: number, chunks: string[]) {
  const refused: { head: string; bytes: number }[] = [];
  const g = new LineGate(limit, (head, bytes) => refused.push({ head: head.toString(), bytes }));
  const out: string[] = [];
  g.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  for (const chunk of chunks) g.write(Buffer.from(chunk));
  g.end();
  await new Promise((resolve) => g.on('end', resolve));
  return { passed: out.join(''), refused };
}

describe('LineGate', () => {
  it('passes lines up to the limit, split or joined across chunks, and refuses longer ones whole', async () => {
    const { passed, refused } = await gate(5, ['abc', 'de\nabcdef', 'gh\nx\n12', '345\nlast']);
    expect(passed).toBe('abcde\nx\n12345\n');
    // The head is the line's start as far as it had arrived when the limit was passed.
    expect(refused).toEqual([{ head: 'abcdef', bytes: 8 }]);
  });

  it('refuses an over-long line inside a single chunk among short ones', async () => {
    const { passed, refused } = await gate(3, ['a\nbbbbbb\nc\n']);
    expect(passed).toBe('a\nc\n');
    expect(refused.map((r) => r.bytes)).toEqual([6]);
  });
});

describe('requestIdOf', () => {
  it('reads an id that precedes params, and nothing else', () => {
    const read = (text: string) => requestIdOf(Buffer.from(text));
    expect(read('{"jsonrpc":"2.0","id":7,"method":"x","params":{')).toBe(7);
    expect(read('{"jsonrpc":"2.0","method":"tools/call","id":"a-1","params":')).toBe('a-1');
    expect(read('{"jsonrpc":"2.0","method":"x","params":{"id":3')).toBeUndefined();
    expect(read('{"id":1.5,')).toBeUndefined();
    expect(read('garbage')).toBeUndefined();
  });
});
