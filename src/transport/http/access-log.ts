/**
 * One JSON line per HTTP request on stderr, for the platform's log pipeline. Only fields this
 * server chose are written (never arguments, results, headers, keys or tokens): the JSON-RPC
 * method and tool name only when they match the shape of real names.
 */
export interface AccessRecord {
  method: string;
  path: string;
  /** null when this server sent no answer (see `client_closed`). */
  status: number | null;
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

/**
 * The request path as logged: one this server serves, or `other`. Any other path is whatever the
 * client put there (a mistyped URL can hold an email or a key), so it is never written.
 */
export function loggedPath(path: string, served: (path: string) => boolean): string {
  return served(path) ? path : 'other';
}

export function accessLogLine(record: AccessRecord, now = new Date()): string {
  return `${JSON.stringify({ time: now.toISOString(), ...record })}\n`;
}
