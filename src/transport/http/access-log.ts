/**
 * One JSON line per HTTP request on stderr, for the platform's log pipeline. Only fields this
 * server chose are written (never arguments, results, headers, keys or tokens): the JSON-RPC
 * method and tool name only when they match the shape of real names.
 */
export interface AccessRecord {
  method: string;
  path: string;
  status: number;
  rpc: string | null;
  tool: string | null;
  duration_ms: number;
  upstream_requests: number;
  /** A coded tool error, a JSON-RPC error code, or this server's refusal code; null on success. */
  error: string | null;
}

const NAME = /^[a-z][a-z0-9_/]{0,63}$/;

export function safeName(value: unknown): string | null {
  return typeof value === 'string' && NAME.test(value) ? value : null;
}

/** The request path as logged: no query string (it could carry anything), at most 100 characters. */
export function safePath(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path.length > 100 ? `${path.slice(0, 100)}…` : path;
}

export function accessLogLine(record: AccessRecord, now = new Date()): string {
  return `${JSON.stringify({ time: now.toISOString(), ...record })}\n`;
}
