/**
 * Requests whose `params` is not an object (`null`, `[]`, `"str"`, 5). The SDK's stdio transport
 * drops them at its JSON-RPC schema check without an answer, so the client waits until its own
 * timeout. This screen sits after the LineGate (whole lines only) and answers each with a one-line
 * -32602 instead, so every request is answered. Only lines that look like one are parsed again.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** `"params"` followed by something other than `{`: a cheap test before any parse. */
const SUSPECT = /"params"\s*:\s*[^\s{]/;

export class ParamsScreen extends Transform {
  constructor(private readonly onRefused: (id: string | number, method: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = chunk.toString('utf8');
    if (!SUSPECT.test(text)) {
      this.push(chunk);
      done();
      return;
    }
    const lines = text.split('\n');
    const last = lines.pop() ?? '';
    for (const line of lines) {
      const refused = SUSPECT.test(line) ? malformedParams(line) : undefined;
      if (refused) this.onRefused(refused.id, refused.method);
      else this.push(`${line}\n`);
    }
    if (last !== '') this.push(last);
    done();
  }
}

function malformedParams(line: string): { id: string | number; method: string } | undefined {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (message === null || typeof message !== 'object' || !('params' in message)) return undefined;
  const { id, method, params } = message as { id?: unknown; method?: unknown; params: unknown };
  const validId = typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));
  const objectParams = params !== null && typeof params === 'object' && !Array.isArray(params);
  if (!validId || typeof method !== 'string' || objectParams) return undefined;
  return { id: id as string | number, method };
}
