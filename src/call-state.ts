/**
 * The state of the tool call in progress, the one per-call mechanism: the server opens it for
 * each call (openCall) and the upstream client, which knows nothing of MCP or HTTP, reports into
 * it — retries, rate-limit waits and timeouts into the call's MCP log (`notifications/message`),
 * and each request it sends into the inbound HTTP request's count (remote mode's access log).
 * Outside a call it does nothing.
 *
 * Messages name the provider, a status or error code and a wait: never a key, an id, a filter
 * value or anything the provider said about a customer (and the transport redacts every
 * outgoing message anyway: src/transport/redacting.ts).
 */

/** The MCP levels this server sends (RFC 5424 names, as `logging/setLevel` uses them). */
export type CallLogLevel = 'info' | 'warning';
export type CallLogSink = (level: CallLogLevel, message: string) => void;

/** Per inbound HTTP request: how many upstream HTTP requests its calls sent. */
export interface RequestStats {
  upstreamRequests: number;
}

export interface CallState {
  log?: CallLogSink;
  /** Set in remote mode: the inbound request this call came in. */
  stats?: RequestStats;
}

/**
 * Keyed by the call's abort signal, which the SDK makes per request and which every upstream
 * request of the call already carries, untouched, down to Upstream. Not AsyncLocalStorage: on
 * Node 20 it turns on promise hooks for every await in the process, ~3–4% of the CPU of a call
 * (measured with the bench's probe), for state read only when an upstream request is sent.
 */
const calls = new WeakMap<AbortSignal, CallState>();

/** A signal derived from a call's (AbortSignal.any), to the signal it was derived from. */
const derivedFrom = new WeakMap<AbortSignal, AbortSignal>();

/** Records that `derived` belongs to the same call as `signal` (its log, its trace). */
export function linkSignal(derived: AbortSignal, signal: AbortSignal): void {
  derivedFrom.set(derived, signal);
}

/** The call's own signal for `signal`: itself, or the one it was derived from (a few levels). */
export function callSignal(signal: AbortSignal): AbortSignal {
  let current = signal;
  for (let depth = 0; depth < 8; depth++) {
    const parent = derivedFrom.get(current);
    if (parent === undefined) break;
    current = parent;
  }
  return current;
}

/** Makes `state` the state of the call that `signal` belongs to. */
export function openCall(signal: AbortSignal, state: CallState): void {
  calls.set(signal, state);
}

export function callLog(
  signal: AbortSignal | undefined,
  level: CallLogLevel,
  message: string,
): void {
  if (signal) calls.get(callSignal(signal))?.log?.(level, message);
}

/** Called by Upstream once per attempt sent. */
export function countUpstreamRequest(signal: AbortSignal | undefined): void {
  const stats = signal && calls.get(callSignal(signal))?.stats;
  if (stats) stats.upstreamRequests++;
}

/**
 * A retryable failure that is retried after `waitMs`: `cause` is an HTTP status (429 is a
 * rate-limit wait) or a connection error code.
 */
export function noteRetry(
  signal: AbortSignal | undefined,
  provider: string,
  cause: number | string,
  waitMs: number,
  retry: number,
  maxRetries: number,
): void {
  const what =
    cause === 429 ? 'rate limited (HTTP 429)' : typeof cause === 'number' ? `HTTP ${cause}` : cause;
  callLog(
    signal,
    'warning',
    `${provider}: ${what}; retry ${retry} of ${maxRetries} in ${waitMs} ms`,
  );
}

/** An attempt that got no complete answer in time (timeouts are not retried). */
export function noteTimeout(
  signal: AbortSignal | undefined,
  provider: string,
  timeoutMs: number,
): void {
  callLog(signal, 'warning', `${provider}: no answer within ${timeoutMs} ms (timeout)`);
}
