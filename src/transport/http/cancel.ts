/**
 * Cancellation across POSTs. Over stateless HTTP a client's `notifications/cancelled` arrives in a
 * request of its own, which the SDK hands to a fresh Server that knows nothing of the call. This
 * table lets it reach the call's own Server when both land on the same instance: the notification
 * is delivered there (the SDK aborts the handler's signal, so the upstream request is abandoned,
 * and sends no response, as over stdio) and the call's HTTP request is answered 202 with no body.
 * On another instance the call runs to its end and the client drops the answer.
 *
 * Calls are keyed by caller (a digest of the credentials the request carried) and JSON-RPC id, so
 * one caller cannot cancel another's calls.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

type Deliver = () => void;

/** Headers that identify a caller; the digest is all that is kept. */
const IDENTITY_HEADERS = [
  'authorization',
  'x-quentli-api-key',
  'x-flexprice-api-key',
  'x-maple-api-key',
  'x-maple-company-id',
];

export function callerKey(req: IncomingMessage): string {
  const hash = createHash('sha256');
  for (const name of IDENTITY_HEADERS)
    hash.update(`${name}\u0000${String(req.headers[name] ?? '')}\u0000`);
  return hash.digest('base64url');
}

export class CancellableCalls {
  private readonly calls = new Map<string, Deliver>();

  /** Registers a call until `release` is called; a duplicate (caller, id) stays uncancellable. */
  track(caller: string, id: string | number, deliver: Deliver): () => void {
    const key = `${caller}:${JSON.stringify(id)}`;
    if (this.calls.has(key)) return () => undefined;
    this.calls.set(key, deliver);
    return () => {
      if (this.calls.get(key) === deliver) this.calls.delete(key);
    };
  }

  /** Delivers each `notifications/cancelled` in `messages` to the call it names, if it is here. */
  cancel(caller: string, messages: readonly unknown[]): void {
    for (const message of messages) {
      // A body may be `null` or `[null, 5]`: the SDK answers those 400, nothing to cancel here.
      if (message === null || typeof message !== 'object') continue;
      const m = message as { method?: unknown; id?: unknown; params?: { requestId?: unknown } };
      if (m.method !== 'notifications/cancelled' || m.id !== undefined) continue;
      const id = m.params?.requestId;
      if (typeof id !== 'string' && typeof id !== 'number') continue;
      this.calls.get(`${caller}:${JSON.stringify(id)}`)?.();
    }
  }
}
