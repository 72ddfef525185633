/**
 * The stdio input bound: how many tool calls are read at once. Its floor is MAX_STDIO_CALLS; an
 * operator's BILLING_MCP_MAX_CONNECTIONS above it raises it, so one stdio connection can keep the
 * whole upstream pool busy. Real streams; the bound pauses and resumes the input.
 */
import { PassThrough } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { InputBound, MAX_STDIO_CALLS } from '../../src/transport/input-bound.js';

const call = (id: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'quentli_get_customer', arguments: { id: 'x' } },
});

/** How many calls are read before the input pauses, with `maxConnections` given. */
function readBeforePause(maxConnections?: number): {
  bound: InputBound;
  input: PassThrough;
  n: number;
} {
  const input = new PassThrough();
  input.resume();
  const bound = new InputBound(input, new PassThrough(), maxConnections);
  let n = 0;
  while (!input.isPaused() && n < 5_000) bound.received(call(++n));
  return { bound, input, n };
}

describe('calls read at once over stdio', () => {
  it(`is ${MAX_STDIO_CALLS} by default and for any BILLING_MCP_MAX_CONNECTIONS up to it`, () => {
    for (const setting of [undefined, 1, 16, MAX_STDIO_CALLS])
      expect(readBeforePause(setting).n, String(setting)).toBe(MAX_STDIO_CALLS);
  });

  it('follows BILLING_MCP_MAX_CONNECTIONS above it, and one answer makes room again', async () => {
    for (const setting of [65, 256, 1024]) {
      const { bound, input, n } = readBeforePause(setting);
      expect(n).toBe(setting);
      bound.sent({ jsonrpc: '2.0', id: 1, result: { content: [] } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(input.isPaused()).toBe(false);
    }
  });
});
