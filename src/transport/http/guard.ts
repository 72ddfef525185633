/**
 * DNS-rebinding protection (MCP transport spec: servers must validate Origin): a request whose
 * Host or Origin names a site we do not serve is refused before authentication or any tool. The
 * Host rule is the SDK's `hostHeaderValidation` (port-agnostic hostname, parsed with URL), without
 * its Express wrapper.
 */
import type { IncomingMessage } from 'node:http';
import type { Refusal } from './auth.js';
import { isLoopbackHost, LOOPBACK_HOSTNAMES } from './settings.js';

export interface GuardSettings {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}

export function checkHostAndOrigin(req: IncomingMessage, settings: GuardSettings): Refusal | null {
  // Node keeps the first of several Host or Origin headers; whatever sits in front may read
  // another. RFC 9112 §3.2: more than one Host is a 400.
  for (const name of ['host', 'origin']) {
    if ((req.headersDistinct[name]?.length ?? 0) > 1) {
      return { ...forbidden('bad_request', `More than one ${name} header`), status: 400 };
    }
  }
  const host = req.headers.host;
  let hostname: string | undefined;
  try {
    hostname = host ? new URL(`http://${host}`).hostname : undefined;
  } catch {
    hostname = undefined;
  }
  const anyHost = settings.allowedHosts.includes('*');
  if (
    !hostname ||
    (!anyHost &&
      !LOOPBACK_HOSTNAMES.includes(hostname) &&
      !settings.allowedHosts.includes(hostname))
  ) {
    return forbidden(
      'forbidden_host',
      hostname ? `Invalid Host: ${hostname}` : 'Missing or invalid Host header',
    );
  }
  const origin = req.headers.origin;
  // Non-browser clients send no Origin; browsers always do on a cross-site POST.
  if (origin === undefined || settings.allowedOrigins.includes('*')) return null;
  if (settings.allowedOrigins.includes(origin) || isLoopbackOrigin(origin)) return null;
  return forbidden('forbidden_origin', 'Invalid Origin');
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

function forbidden(code: string, message: string): Refusal {
  return {
    status: 403,
    code,
    headers: {},
    body: { jsonrpc: '2.0', error: { code: -32000, message }, id: null },
  };
}
