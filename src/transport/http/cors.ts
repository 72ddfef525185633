/**
 * CORS for /mcp, for the browser origins the Host/Origin guard admits (loopback, and
 * BILLING_MCP_HTTP_ALLOWED_ORIGINS): without it a browser sends the request, then hides the answer.
 * The preflight (`OPTIONS /mcp`) is answered before authentication, since browsers never send
 * credentials on it; it names the headers an MCP client sends. No cookies are used (tokens travel
 * in Authorization), so no Allow-Credentials. Requests without an Origin get no CORS headers.
 */
import type { IncomingMessage } from 'node:http';

const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'last-event-id',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'x-quentli-api-key',
  'x-quentli-base-url',
  'x-flexprice-api-key',
  'x-flexprice-base-url',
  'x-maple-api-key',
  'x-maple-base-url',
  'x-maple-company-id',
].join(', ');
/** What a browser client may read of an answer: the auth challenge, the shed wait, the revision. */
const EXPOSED_HEADERS = 'www-authenticate, retry-after, mcp-protocol-version';

/** Headers for any /mcp answer to an admitted origin; none when the request has no Origin. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  };
}

/** The preflight answer's headers. */
export function preflightHeaders(req: IncomingMessage): Record<string, string> {
  return {
    ...corsHeaders(req),
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': '600',
  };
}
