/**
 * Malformed requests on stdio. The SDK's stdio transport drops a line that is not a valid JSON-RPC
 * message without an answer (`params` 5, `_meta` null, `jsonrpc` "1.0", a numeric `method`, an id
 * of 1.5, a batch, a leading BOM…), so the client waits until its own timeout. This screen sits after the LineGate (whole lines only) and answers each with a
 * one-line JSON-RPC error instead, naming the request's id when it is readable (a string or a
 * safe integer) and `null` when it is not; a notification is never answered. Valid lines pass on
 * unchanged; a leading byte-order mark is dropped.
 */
import { Transform, type TransformCallback } from 'node:stream';

export type Refused = { id: string | number | null; code: number; message: string };

/** Lines up to this size are checked in full (one extra parse, microseconds for a request). */
const CHECKED_BYTES = 64 * 1024;
/** Past it only a cheap test: `"params"` followed by something other than `{`. */
const SUSPECT = /"params"\s*:\s*[^\s{]/;
const BOM = '\uFEFF';
const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

export class RequestScreen extends Transform {
  constructor(private readonly onRefused: (refused: Refused) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const lines = chunk.toString('utf8').split('\n');
    const last = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.startsWith(BOM) ? raw.slice(1) : raw;
      const checked = line.length <= CHECKED_BYTES || SUSPECT.test(line);
      const refused = checked ? screen(line) : undefined;
      if (refused?.length) for (const answer of refused) this.onRefused(answer);
      else this.push(`${line}\n`);
    }
    if (last !== '') this.push(last);
    done();
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const readableId = (id: unknown): id is string | number =>
  typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));

/** The answers to send instead of passing the line on, if any. */
function screen(line: string): Refused[] | undefined {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    // Not JSON at all: the SDK reports it (there is no id to answer).
    return undefined;
  }
  return malformed(message);
}

/**
 * undefined: a valid message (or one with nothing to answer, left to the SDK); otherwise the
 * answers to send instead of passing the line on (empty: nothing to answer, pass it on).
 */
function malformed(message: unknown): Refused[] | undefined {
  if (Array.isArray(message)) {
    const ids = message.filter((m) => isObject(m) && 'id' in m).map((m) => m.id);
    const text = 'Batches are not part of MCP over stdio: send one JSON-RPC message per line.';
    return ids.map((id) => ({ id: readableId(id) ? id : null, code: -32600, message: text }));
  }
  if (!isObject(message) || !('id' in message) || 'result' in message || 'error' in message) {
    return undefined;
  }
  const { id, jsonrpc, method, params } = message;
  const answer = (code: number, text: string): Refused[] => [
    { id: readableId(id) ? id : null, code, message: text },
  ];
  if (!readableId(id)) return answer(-32600, 'The request id must be a string or an integer.');
  if (jsonrpc !== '2.0') return answer(-32600, 'The request must have "jsonrpc": "2.0".');
  if (typeof method !== 'string') return answer(-32600, 'The request method must be a string.');
  if (params === undefined) return undefined;
  if (!isObject(params)) return answer(-32602, `${method}: params must be an object.`);
  const meta = params._meta;
  if (meta !== undefined && !isObject(meta)) {
    return answer(-32602, `${method}: params._meta must be an object.`);
  }
  const token = isObject(meta) ? meta.progressToken : undefined;
  if (token !== undefined && !readableId(token)) {
    return answer(-32602, `${method}: _meta.progressToken must be a string or an integer.`);
  }
  if (method === 'logging/setLevel' && !LEVELS.includes(params.level as string)) {
    return answer(-32602, `logging/setLevel: level must be one of ${LEVELS.join(', ')}.`);
  }
  return undefined;
}
