/** The one mapping point from a tool's outcome to a CallToolResult (CONTRACT §3, §5). */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { ToolError } from '../errors.js';
import { logLine } from '../log.js';
import { cutAt } from './cut.js';

/*
 * Result size, kept under clients' limits. The SDK's stdio client refuses a line past 10 MiB (its
 * STDIO_DEFAULT_MAX_BUFFER_SIZE, counting the read chunk that completes the line), closes, and the
 * session is gone. A result carries its JSON twice (structuredContent, and the text escaped once
 * more), so a 5 MiB upstream body made such a line. Every result is bounded well under that:
 * - 2 MiB per serialized result, 5× under the client's limit: room for envelope, escaping and
 *   clients with smaller buffers, while a full page of 100 realistic rows (a few KB each, ~1 MB
 *   as sent twice) still fits. Past 2 MiB (~500k tokens) a result is of no use to a model anyway.
 * - 32 Ki characters per string field: no customer field is legitimately longer (a 5 MiB name
 *   is junk); longer ones are cut with a visible marker, so the rest of the row still arrives.
 * A result still over the bound becomes a coded error saying how to ask for less.
 */
export const MAX_RESULT_BYTES = 2 * 1024 * 1024;
export const MAX_STRING_CHARS = 32 * 1024;
/** Error messages are ours, bounded anyway: a caller's input quoted back must not make them huge. */
const MAX_MESSAGE_CHARS = 1000;

/** Success: structuredContent plus one text item that is exactly its JSON, bounded in size. */
export function successResult(value: Record<string, unknown>, provider?: string): CallToolResult {
  const { text, structured } = boundedJson(value);
  const bytes = wireBytes(text);
  if (bytes > MAX_RESULT_BYTES) return errorResult(tooLarge(value, bytes, provider), provider);
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * What `value` costs in a result, as successResult would send it (strings over the cap cut):
 * find_customers measures each section with it, so one provider's oversized answer gives way
 * instead of sinking the others.
 */
export function resultBytes(value: unknown): number {
  return wireBytes(boundedJson(value).text);
}

/** The structured copy plus the text as a JSON string: the line the client reads, bar ~100 bytes. */
function wireBytes(text: string): number {
  return Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(text));
}

/** The JSON text of `value` with every string over MAX_STRING_CHARS cut, and the value it is exactly. */
function boundedJson<T>(value: T): { text: string; structured: T } {
  const text = JSON.stringify(value);
  // Only a text longer than the string cap can hold a string over it.
  if (text.length <= MAX_STRING_CHARS) return { text, structured: value };
  let cut = false;
  const bounded = JSON.stringify(value, (_key, field: unknown) => {
    if (typeof field !== 'string' || field.length <= MAX_STRING_CHARS) return field;
    cut = true;
    const kept = cutAt(field, MAX_STRING_CHARS);
    return `${kept}…[cut: ${field.length - kept.length} chars]`;
  });
  return cut
    ? { text: bounded, structured: JSON.parse(bounded) as T }
    : { text, structured: value };
}

function tooLarge(value: Record<string, unknown>, bytes: number, provider?: string): ToolError {
  const rows = typeof value.returned === 'number' ? value.returned : 0;
  return new ToolError(
    'upstream_error',
    `The answer is too large to return (${megabytes(bytes)}; the limit is ${megabytes(MAX_RESULT_BYTES)}): ${askForLess(rows, bytes, MAX_RESULT_BYTES)}.`,
    { provider, retryable: false },
  );
}

/** A find_customers section that did not fit beside the others (see resultBytes). */
export function sectionTooLarge(
  provider: string,
  rows: number,
  bytes: number,
  room: number,
): ToolError {
  return new ToolError(
    'upstream_error',
    `This section is too large to return with the others (${megabytes(bytes)}; the whole result is limited to ${megabytes(MAX_RESULT_BYTES)}): ${askForLess(rows, bytes, room)}, or ask ${provider}_list_customers.`,
    { provider, retryable: false },
  );
}

const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** What to ask for instead: a take that would fit `room` (with a margin), and the summary. */
function askForLess(rows: number, bytes: number, room: number): string {
  const summary = 'detail "summary" if you asked for "full"';
  if (rows <= 1) return `ask for ${summary}`;
  const fits = Math.max(1, Math.floor((rows * room * 0.8) / bytes));
  return `ask for fewer rows (take ${fits} or less) or ${summary}`;
}

/**
 * The `error.code` an `isError` result's text carries (the JSON errorResult writes), or undefined
 * for a success or a text that is not that JSON. Callers check the value before logging it.
 */
export function codedErrorOf(result: object): string | undefined {
  const { isError, content } = result as { isError?: unknown; content?: unknown };
  if (isError !== true || !Array.isArray(content)) return undefined;
  const text = (content[0] as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string') return undefined;
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Failure: coded JSON in the text, since clients show only content[0].text on errors. */
export function errorResult(error: unknown, provider?: string): CallToolResult {
  const body = toToolError(error, provider).toJSON();
  const { message } = body.error;
  if (typeof message === 'string' && message.length > MAX_MESSAGE_CHARS) {
    body.error.message = `${cutAt(message, MAX_MESSAGE_CHARS)}…`;
  }
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
