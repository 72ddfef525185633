/** The one mapping point from a tool's outcome to a CallToolResult (CONTRACT §3, §5). */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolError } from '../errors.js';
import { logLine } from '../log.js';

/** Success: structuredContent plus one text item that is exactly its JSON. */
export function successResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

/** Failure: coded JSON in the text, since clients show only content[0].text on errors. */
export function errorResult(error: unknown, provider?: string): CallToolResult {
  const body = toToolError(error, provider).toJSON();
  return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: true };
}

/** Any failure as a coded ToolError; an unexpected one is logged and shown as a generic error. */
export function toToolError(error: unknown, provider?: string): ToolError {
  if (error instanceof ToolError) return error;
  logLine(
    `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return new ToolError(
    'upstream_error',
    'Unexpected internal error; the details went to the server log.',
    { provider, retryable: false },
  );
}
