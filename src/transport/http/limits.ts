/** The request body, read once and capped as it streams in. */
import type { IncomingMessage } from 'node:http';

/**
 * The body as a Buffer; undefined past `limit` bytes (Node discards the rest unread); null when
 * the client went away mid-body (nothing to answer).
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Buffer | undefined | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) return undefined;
      chunks.push(chunk as Buffer);
    }
  } catch {
    return null;
  }
  return Buffer.concat(chunks);
}
