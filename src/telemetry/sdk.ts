/**
 * The MCP SDK's view of a request, as ./index.ts's `McpRequest`: the one place that knows where
 * the SDK keeps the signal, the id, `_meta` and the HTTP headers (typed by shape, so this file
 * imports nothing of the SDK).
 */
import type { HeaderSource, McpRequest } from './index.js';

/** What SDK v1's low-level Server hands a request handler besides the request. */
interface HandlerExtra {
  signal: AbortSignal;
  requestId: string | number;
  /** Present for Streamable HTTP requests only. */
  requestInfo?: { headers?: HeaderSource };
}

export function tracedRequest(
  request: { method: string; params?: unknown },
  extra: HandlerExtra,
  knownTool: (name: string) => boolean,
): McpRequest {
  return {
    method: request.method,
    params: request.params,
    signal: extra.signal,
    headers: extra.requestInfo?.headers,
    requestId: extra.requestId,
    knownTool,
  };
}
