/**
 * node:http ↔ web-standard glue for the SDK's fetch-shaped handler: the request we already read
 * (and capped) once becomes a `Request` over that same buffer, and the handler's `Response`
 * (JSON, or an SSE stream when a call sends notifications first) is written back as it comes.
 * Ours rather than @modelcontextprotocol/node, which brings hono and re-reads the body itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request as the SDK handler reads it; `signal` aborts when the client goes away or cancels. */
export function webRequest(
  req: IncomingMessage,
  path: string,
  body: Buffer,
  signal: AbortSignal,
): Request {
  const headers = new Headers();
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    for (const value of values ?? []) headers.append(name, value);
  }
  // The origin is never used for routing (Host was checked already); only the path matters.
  return new Request(new URL(path, 'http://mcp.local'), {
    method: req.method ?? 'POST',
    headers,
    body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    signal,
  });
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

export interface WriteOptions {
  /** May change a body the handler built whole (its own refusals), which is read as text for it. */
  rewrite?: (text: string) => string;
  /**
   * Called after each write: true when the connection was cut for answers its client does not
   * read (./unread.ts), and the rest of this answer is dropped.
   */
  cutIfUnread?: (res: ServerResponse) => boolean;
}

/**
 * Writes `response` to `res` as its body comes. It does not wait for 'drain': the SDK enqueues
 * each message as soon as it is ready, whatever we do, so waiting would only move the unread bytes
 * into the SDK's stream, where nothing can count them. Written at once they sit in the
 * connection's buffers, which ./unread.ts bounds.
 */
export async function writeResponse(
  res: ServerResponse,
  response: Response,
  { rewrite, cutIfUnread = () => false }: WriteOptions = {},
): Promise<void> {
  if (res.writableEnded || res.destroyed) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    // Hop-by-hop headers are node:http's to set (Connection: close while draining).
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  });
  const streaming = headers['content-type']?.startsWith('text/event-stream') === true;
  if (!streaming && rewrite && response.body) {
    const text = rewrite(await response.text());
    delete headers['content-length'];
    res.writeHead(response.status, { ...headers, 'content-length': Buffer.byteLength(text) });
    res.end(text);
    cutIfUnread(res);
    return;
  }
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // The client left: stop the stream, which tears the exchange down in the SDK.
  const stop = () => void reader.cancel().catch(() => undefined);
  res.once('close', stop);
  try {
    // Headers go out with the first chunk, not before: an SSE answer is committed only once
    // there is something to say, so a drain that starts meanwhile can still add Connection: close.
    for (;;) {
      const { done, value } = await reader.read();
      if (res.destroyed) break;
      if (!res.headersSent) res.writeHead(response.status, headers);
      if (done) break;
      res.write(value);
      if (cutIfUnread(res)) break;
    }
    if (!res.destroyed) res.end();
  } catch {
    res.destroy();
  } finally {
    res.off('close', stop);
  }
}
