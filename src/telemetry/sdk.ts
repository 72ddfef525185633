/**
 * The MCP SDK's view of a request, as ./index.ts's `McpRequest`: the one place that knows where
 * the SDK keeps the signal, the id, `_meta` and the HTTP headers (typed by shape, so this file
 * imports nothing of the SDK).
 */
import type { HeaderSource, McpRequest } from './index.js';

/** What SDK v2's low-level Server hands a request handler besides the request (its `ctx`). */
interface HandlerContext {
  mcpReq: {
    id: string | number;
    signal: AbortSignal;
    /** The request's `_meta`, minus the 2026-07-28 envelope keys the SDK lifted off. */
    _meta?: unknown;
    /** The 2026-07-28 envelope (protocol version, client info, log level), when there is one. */
    envelope?: Record<string, unknown>;
  };
  /** Present for Streamable HTTP requests only. */
  http?: { req?: { headers?: HeaderSource } };
}

const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';

export function tracedRequest(
  request: { method: string; params?: unknown },
  ctx: HandlerContext,
  knownTool: (name: string) => boolean,
): McpRequest {
  return {
    method: request.method,
    params: request.params,
    meta: ctx.mcpReq._meta,
    protocolVersion: ctx.mcpReq.envelope?.[PROTOCOL_VERSION_KEY],
    signal: ctx.mcpReq.signal,
    headers: ctx.http?.req?.headers,
    requestId: ctx.mcpReq.id,
    knownTool,
  };
}
