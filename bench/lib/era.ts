/**
 * The two protocol eras a client can speak: 2025-11-25 (initialize, then requests as they are) and
 * 2026-07-28 (no handshake; every request carries its version, capabilities and client in `_meta`,
 * and over HTTP the Mcp-Method / Mcp-Name headers). The bench's peers speak either.
 */
export type Era = '2025-11-25' | '2026-07-28';
export const ERAS: readonly Era[] = ['2025-11-25', '2026-07-28'];

const CLIENT_INFO = { name: 'billing-bench', version: '0.0.0' };

/** The params a request carries in `era` (2026: the envelope added to `_meta`). */
export function eraParams(era: Era, params: Record<string, unknown>): Record<string, unknown> {
  if (era === '2025-11-25') return params;
  const meta = (params._meta as Record<string, unknown> | undefined) ?? {};
  return {
    ...params,
    _meta: {
      ...meta,
      'io.modelcontextprotocol/protocolVersion': era,
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
    },
  };
}

/** The first exchange of a client: initialize (2025) or server/discover (2026). */
export function firstRequest(era: Era): { method: string; params: Record<string, unknown> } {
  return era === '2025-11-25'
    ? {
        method: 'initialize',
        params: { protocolVersion: era, capabilities: {}, clientInfo: CLIENT_INFO },
      }
    : { method: 'server/discover', params: eraParams(era, {}) };
}

/** The HTTP headers a request carries in `era`. */
export function eraHeaders(era: Era, method: string, name?: string): Record<string, string> {
  const headers: Record<string, string> = { 'mcp-protocol-version': era };
  if (era === '2025-11-25') return headers;
  headers['mcp-method'] = method;
  if (name !== undefined) headers['mcp-name'] = name;
  return headers;
}
