/**
 * Input lines past the SDK's stdio limit. The SDK's StdioServerTransport, on a line over its
 * buffer limit (10 MiB), reports an error and closes itself: the server then exits 0 with the
 * session gone. This gate sits between stdin and that transport and hands it complete lines
 * only; a line longer than the limit is dropped as it streams in (never buffered whole) and
 * reported, and the next line is served as usual.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/server';

/** The SDK's own limit: every line it accepted before is still accepted. */
export const MAX_INPUT_LINE_BYTES = STDIO_DEFAULT_MAX_BUFFER_SIZE;
/** The start of a refused line, kept so that its request id can be answered. */
const HEAD_BYTES = 4096;
const NEWLINE = Buffer.from('\n');

export class LineGate extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private refusing: { head: Buffer; bytes: number } | undefined;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onRefused: (head: Buffer, bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let rest = chunk;
    if (this.pendingBytes === 0 && this.refusing === undefined) {
      // Fast path: whole lines shorter than the chunk (itself under the limit) go straight on.
      const last = rest.lastIndexOf(10);
      if (last !== -1 && last < this.maxLineBytes) {
        this.push(rest.subarray(0, last + 1));
        rest = rest.subarray(last + 1);
      }
    }
    while (rest.length > 0) {
      const newline = rest.indexOf(10);
      const part = newline === -1 ? rest : rest.subarray(0, newline);
      rest = newline === -1 ? rest.subarray(rest.length) : rest.subarray(newline + 1);
      this.addToLine(part);
      if (newline !== -1) this.endLine();
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    // An unterminated last line is dropped, as the SDK's own reader drops it.
    this.pending = [];
    done();
  }

  private addToLine(part: Buffer): void {
    if (this.refusing) {
      this.refusing.bytes += part.length;
    } else if (this.pendingBytes + part.length > this.maxLineBytes) {
      const head = Buffer.concat([...this.pending, part.subarray(0, HEAD_BYTES)]);
      this.refusing = {
        head: head.subarray(0, HEAD_BYTES),
        bytes: this.pendingBytes + part.length,
      };
      this.pending = [];
      this.pendingBytes = 0;
    } else {
      this.pending.push(part);
      this.pendingBytes += part.length;
    }
  }

  private endLine(): void {
    if (this.refusing) {
      const { head, bytes } = this.refusing;
      this.refusing = undefined;
      this.onRefused(head, bytes);
      return;
    }
    this.push(Buffer.concat([...this.pending, NEWLINE]));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/**
 * The id of a refused request, when it comes before `params` (as every SDK client writes it):
 * only `jsonrpc` and `method` members may precede it. Anything else: no id can be read.
 */
export function requestIdOf(head: Buffer): string | number | undefined {
  const match =
    /^\s*\{(?:\s*"(?:jsonrpc|method)"\s*:\s*"(?:[^"\\]|\\.)*"\s*,)*\s*"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*[,}]/.exec(
      head.toString('utf8'),
    );
  if (!match?.[1]) return undefined;
  try {
    const id = JSON.parse(match[1]) as unknown;
    return typeof id === 'string' || Number.isSafeInteger(id) ? (id as string | number) : undefined;
  } catch {
    return undefined;
  }
}
