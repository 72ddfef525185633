/** stdio transport: serve MCP over stdin/stdout until stdin closes or a signal comes. */
import { ProtocolErrorCode } from '@modelcontextprotocol/server';
import {
  StdioServerTransport,
  serveStdio as sdkServeStdio,
} from '@modelcontextprotocol/server/stdio';
import { logLine } from '../log.js';
import { processSecrets } from '../redact.js';
import type { ServerFactory } from '../server.js';
import { InputBound } from './input-bound.js';
import { LineGate, MAX_INPUT_LINE_BYTES, requestIdOf } from './line-limit.js';
import { OutgoingTransport, redacting } from './redacting.js';
import { RequestScreen } from './request-screen.js';

/**
 * Serves `factory` on stdio through the SDK's serveStdio, which answers both eras (a 2025-11-25
 * `initialize`, or 2026-07-28 requests with their `_meta` envelope, `server/discover` first or
 * not) from one instance per connection. `onClose` releases what the bin opened (sandbox, pool).
 */
export async function serveStdio(
  factory: ServerFactory,
  onClose: () => Promise<void>,
  /** BILLING_MCP_MAX_CONNECTIONS: the calls served at once follow it past their floor. */
  maxConnections?: number,
): Promise<void> {
  const gate = new LineGate(MAX_INPUT_LINE_BYTES, (head, bytes) => refuse(head, bytes));
  const screen = new RequestScreen(({ id, code, message }) => answerError(id, code, message));
  const load = new InputBound(screen, process.stdout, maxConnections);
  // The SDK's transport waits for 'drain' once per answer that found stdout full: expected, and
  // bounded by InputBound (those answers' bytes), so Node's leak warning would only be noise.
  process.stdout.setMaxListeners(0);
  // The gate hands over whole lines of at most the limit, so the SDK's buffer never overflows.
  const stdio = new StdioServerTransport(process.stdin.pipe(gate).pipe(screen), process.stdout, {
    maxBufferSize: MAX_INPUT_LINE_BYTES + 1,
  });
  // The wire itself is wrapped, so the SDK's own answers (era negotiation errors) are redacted too.
  const redact = redacting(() => [processSecrets]);
  const wire = new OutgoingTransport(
    stdio,
    (message) => {
      load.sent(message);
      return redact(message);
    },
    (message) => load.received(message),
  );
  const answerError = (id: string | number | null, code: number, message: string) => {
    // JSON-RPC answers an unreadable id with null, which the SDK's message type does not name.
    const answer = { jsonrpc: '2.0' as const, id: id as string | number, error: { code, message } };
    wire.send(answer).catch(() => undefined);
  };
  const refuse = (head: Buffer, bytes: number) => {
    const id = requestIdOf(head);
    logLine(
      `refused an input message of ${bytes} bytes (the limit is ${MAX_INPUT_LINE_BYTES})${id === undefined ? '; it had no readable request id to answer' : ''}`,
    );
    if (id === undefined) return;
    answerError(
      id,
      ProtocolErrorCode.InvalidRequest,
      `Message too large: ${bytes} bytes; this server reads messages of up to ${MAX_INPUT_LINE_BYTES} bytes.`,
    );
  };

  const handle = sdkServeStdio(() => factory(), { transport: wire });
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await handle.close().catch(() => undefined);
    await onClose();
    process.exit(0);
  };
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
