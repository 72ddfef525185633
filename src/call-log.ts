/**
 * The log of the tool call in progress, for the MCP client (`notifications/message`): the server
 * opens it for each call (openCallLog), and the upstream client, which knows nothing of
 * MCP, reports retries, rate-limit waits and timeouts into it. Outside a call it does nothing.
 *
 * Messages name the provider, a status or error code and a wait: never a key, an id, a filter
 * value or anything the provider said about a customer (and the transport redacts every
 * outgoing message anyway: src/transport/redacting.ts).
 */

/** The MCP levels this server sends (RFC 5424 names, as `logging/setLevel` uses them). */
export type CallLogLevel = 'info' | 'warning';
export type CallLogSink = (level: CallLogLevel, message: string) => void;

/**
 * Keyed by the call's abort signal, which the SDK makes per request and which every upstream
 * request of the call already carries, untouched, down to Upstream. Not AsyncLocalStorage: on
 * Node 20 it turns on promise hooks for every await in the process, ~3–4% of the CPU of a call
 * (measured with the bench's probe), for a log that speaks only on retries and timeouts.
 */
const sinks = new WeakMap<AbortSignal, CallLogSink>();

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

/** Makes `sink` the log of the call that `signal` belongs to. */
export function openCallLog(signal: AbortSignal, sink: CallLogSink): void {
  sinks.set(signal, sink);
}

export function callLog(
  signal: AbortSignal | undefined,
  level: CallLogLevel,
  message: string,
): void {
  if (signal) sinks.get(callSignal(signal))?.(level, message);
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
