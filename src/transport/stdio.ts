/** stdio transport: serve one MCP server over stdin/stdout until stdin closes or a signal comes. */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { logLine } from '../log.js';
import { processSecrets } from '../redact.js';
import { LineGate, MAX_INPUT_LINE_BYTES, requestIdOf } from './line-limit.js';
import { ParamsScreen } from './params-screen.js';
import { redactOutgoing } from './redacting.js';

/** Connects `server` to stdio; `onClose` releases what the bin opened (sandbox, upstream pool). */
export async function serveStdio(server: Server, onClose: () => Promise<void>): Promise<void> {
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => undefined);
    await onClose();
    process.exit(0);
  };
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const gate = new LineGate(MAX_INPUT_LINE_BYTES, (head, bytes) => refuse(head, bytes));
  const screen = new ParamsScreen((id, method) => {
    answerError(id, ErrorCode.InvalidParams, `${method}: params must be an object.`);
  });
  // The gate hands over whole lines of at most the limit, so the SDK's buffer never overflows.
  const stdio = new StdioServerTransport(process.stdin.pipe(gate).pipe(screen), process.stdout, {
    maxBufferSize: MAX_INPUT_LINE_BYTES + 1,
  });
  const transport = redactOutgoing(stdio, () => [processSecrets]);
  const answerError = (id: string | number, code: number, message: string) => {
    transport.send({ jsonrpc: '2.0', id, error: { code, message } }).catch(() => undefined);
  };
  const refuse = (head: Buffer, bytes: number) => {
    const id = requestIdOf(head);
    logLine(
      `refused an input message of ${bytes} bytes (the limit is ${MAX_INPUT_LINE_BYTES})${id === undefined ? '; it had no readable request id to answer' : ''}`,
    );
    if (id === undefined) return;
    answerError(
      id,
      ErrorCode.InvalidRequest,
      `Message too large: ${bytes} bytes; this server reads messages of up to ${MAX_INPUT_LINE_BYTES} bytes.`,
    );
  };
  await server.connect(transport);
}
