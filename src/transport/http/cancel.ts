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
import type { Registry } from '../../providers/descriptor.js';

type Deliver = () => void;

/**
 * Headers that identify a caller: the bearer token and every provider's credential headers (its
 * key and extra settings, such as Maple's company id). The digest is all that is kept.
 */
export function identityHeaders(registry: Registry): string[] {
  return ['authorization', ...registry.flatMap((entry) => entry.credentialHeaders)];
}

export function callerKey(
  req: Pick<IncomingMessage, 'headers'>,
  headers: readonly string[],
): string {
  const hash = createHash('sha256');
  for (const name of headers) hash.update(`${name}\u0000${String(req.headers[name] ?? '')}\u0000`);
  return hash.digest('base64url');
}

/**
 * Calls in flight by (caller, id). Stateless HTTP carries nothing that tells two clients on one
 * credential apart, and SDK clients number their requests 0, 1, 2…, so ids collide: while two
 * calls share a key, a cancellation naming it cannot be attributed and reaches neither (both run
 * to their end; the client that cancelled drops its answer). Only an unambiguous call is
 * cancelled, so one client never ends another's call.
 */
export class CancellableCalls {
  private readonly calls = new Map<string, Deliver[]>();

  /** Registers a call until `release` is called. */
  track(caller: string, id: string | number, deliver: Deliver): () => void {
    const key = `${caller}:${JSON.stringify(id)}`;
    const sharing = this.calls.get(key);
    if (sharing) sharing.push(deliver);
    else this.calls.set(key, [deliver]);
    return () => {
      const now = this.calls.get(key);
      if (!now) return;
      const rest = now.filter((d) => d !== deliver);
      if (rest.length === 0) this.calls.delete(key);
      else this.calls.set(key, rest);
    };
  }

  /** Delivers each `notifications/cancelled` in `messages` to the one call it names, if here. */
  cancel(caller: string, messages: readonly unknown[]): void {
    for (const message of messages) {
      // A body may be `null` or `[null, 5]`: the SDK answers those 400, nothing to cancel here.
      if (message === null || typeof message !== 'object') continue;
      const m = message as { method?: unknown; id?: unknown; params?: { requestId?: unknown } };
      if (m.method !== 'notifications/cancelled' || m.id !== undefined) continue;
      const id = m.params?.requestId;
      if (typeof id !== 'string' && typeof id !== 'number') continue;
      const named = this.calls.get(`${caller}:${JSON.stringify(id)}`);
      if (named?.length === 1) named[0]?.();
    }
  }
}
