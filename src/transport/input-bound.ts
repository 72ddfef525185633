/**
 * Bounded work on stdio: a client that sends requests faster than it reads the
 * answers — or never reads them — must not make the process keep every answer in memory. While
 * too many tool calls are in flight, or the answers not yet taken by stdout pass a bound, the
 * input stream is paused: further requests wait in the pipe (the client's writes block), and
 * reading resumes as calls finish and stdout drains. Nothing is refused or lost.
 */
import type { Readable, Writable } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';

/**
 * Tool calls served at once, at least (HTTP has its own limit, BILLING_MCP_HTTP_MAX_IN_FLIGHT).
 * An operator who raises BILLING_MCP_MAX_CONNECTIONS past it raises this too: a burst over one
 * stdio connection then uses every connection the pool may open, as it does over HTTP.
 */
export const MAX_STDIO_CALLS = 64;
/** Answers written but not yet taken by the reader: about one large result. */
export const MAX_UNREAD_BYTES = 4 * 1024 * 1024;

export class InputBound {
  private readonly calls = new Set<string>();
  private readonly maxCalls: number;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    /** The pool's connections per origin (BILLING_MCP_MAX_CONNECTIONS). */
    maxConnections = MAX_STDIO_CALLS,
  ) {
    this.maxCalls = Math.max(MAX_STDIO_CALLS, maxConnections);
    output.on('drain', () => this.resumeIfRoom());
  }

  /** A message the server reads (counted as the SDK gets it, not as it is buffered). */
  received(message: JSONRPCMessage): void {
    if (!('method' in message)) return;
    if (message.method === 'tools/call' && 'id' in message) {
      this.calls.add(JSON.stringify(message.id));
    } else if (message.method === 'notifications/cancelled') {
      // A cancelled call gets no answer: it leaves the count now.
      const params = message.params as { requestId?: unknown } | undefined;
      this.calls.delete(JSON.stringify(params?.requestId));
    }
    if (this.full()) this.input.pause();
  }

  /** A message the server sends: an answer ends its call. */
  sent(message: JSONRPCMessage): void {
    if ('id' in message && !('method' in message)) this.calls.delete(JSON.stringify(message.id));
    // After this answer is written, so the output's backlog counts it.
    setImmediate(() => (this.full() ? this.input.pause() : this.resumeIfRoom()));
  }

  private full(): boolean {
    return this.calls.size >= this.maxCalls || this.output.writableLength > MAX_UNREAD_BYTES;
  }

  private resumeIfRoom(): void {
    if (this.input.isPaused() && !this.full()) this.input.resume();
  }
}
