/**
 * The log of the tool call in progress, for the MCP client (`notifications/message`): the server
 * opens it around each call (runWithCallLog), and the upstream client, which knows nothing of
 * MCP, reports retries, rate-limit waits and timeouts into it. Outside a call it does nothing.
 *
 * Messages name the provider, a status or error code and a wait: never a key, an id, a filter
 * value or anything the provider said about a customer (and the transport redacts every
 * outgoing message anyway: src/transport/redacting.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The MCP levels this server sends (RFC 5424 names, as `logging/setLevel` uses them). */
export type CallLogLevel = 'info' | 'warning';
export type CallLogSink = (level: CallLogLevel, message: string) => void;

const current = new AsyncLocalStorage<CallLogSink>();

/** Runs `work` with `sink` as the log of this call (and of everything it awaits). */
export function runWithCallLog<T>(sink: CallLogSink, work: () => T): T {
  return current.run(sink, work);
}

export function callLog(level: CallLogLevel, message: string): void {
  current.getStore()?.(level, message);
}

/**
 * A retryable failure that is retried after `waitMs`: `cause` is an HTTP status (429 is a
 * rate-limit wait) or a connection error code.
 */
export function noteRetry(
  provider: string,
  cause: number | string,
  waitMs: number,
  retry: number,
  maxRetries: number,
): void {
  const what =
    cause === 429 ? 'rate limited (HTTP 429)' : typeof cause === 'number' ? `HTTP ${cause}` : cause;
  callLog('warning', `${provider}: ${what}; retry ${retry} of ${maxRetries} in ${waitMs} ms`);
}

/** An attempt that got no complete answer in time (timeouts are not retried). */
export function noteTimeout(provider: string, timeoutMs: number): void {
  callLog('warning', `${provider}: no answer within ${timeoutMs} ms (timeout)`);
}
