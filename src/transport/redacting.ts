/**
 * Redaction at the boundary (CONTRACT §5): every JSON-RPC message a transport sends — tool
 * results, errors, notifications — is redacted against every credential in use, whatever code
 * built it. Remote mode passes the request's own Secrets (header-supplied keys) besides the
 * process's. Fail closed: a message whose redaction throws is never sent as it was; a response
 * becomes a coded error (so the request is still answered), a notification is dropped.
 *
 * A decorator around the SDK's transport rather than a patch of its `send`: the SDK owns its
 * transports (stdio's wire, the HTTP handler's per-request exchange); ours only stands between
 * the protocol layer and them, forwarding everything else unchanged.
 */
import type { JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/server';
import { logLine } from '../log.js';
import { redactDeep, type Secrets } from '../redact.js';

export const REDACTION_FAILED = 'redaction_failed';

/**
 * What happens to each outgoing message on its way to the transport (redaction, access log):
 * the message to send instead, or undefined to send nothing.
 */
export type Outgoing = (message: JSONRPCMessage) => JSONRPCMessage | undefined;

/** Redacts against the Secrets given at send time (tenant keys join per request), fail-closed. */
export function redacting(secrets: () => readonly Secrets[]): Outgoing {
  return (message) => {
    try {
      return redactMessage(message, secrets());
    } catch (error) {
      // The error's name only: its message could quote what was being matched.
      logLine(`${REDACTION_FAILED}: an outgoing message was withheld (${errorName(error)})`);
      return withheld(message);
    }
  };
}

export class OutgoingTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly outgoing: Outgoing,
    /** Sees each message the protocol layer receives, as it receives it (stdio's work bound). */
    private readonly incoming?: (message: JSONRPCMessage) => void,
  ) {}

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    let filtered: JSONRPCMessage | undefined;
    try {
      filtered = this.outgoing(message);
    } catch (error) {
      // Fail closed: a message that could not be redacted is not sent.
      return Promise.reject(error);
    }
    return filtered === undefined ? Promise.resolve() : this.inner.send(filtered, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  get hasPerRequestStream(): boolean | undefined {
    return this.inner.hasPerRequestStream;
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  get onclose(): (() => void) | undefined {
    return this.inner.onclose;
  }
  set onclose(handler: (() => void) | undefined) {
    this.inner.onclose = handler;
  }

  get onerror(): ((error: Error) => void) | undefined {
    return this.inner.onerror;
  }
  set onerror(handler: ((error: Error) => void) | undefined) {
    this.inner.onerror = handler;
  }

  get onmessage(): Transport['onmessage'] {
    return this.inner.onmessage;
  }
  set onmessage(handler: Transport['onmessage']) {
    const { incoming } = this;
    this.inner.onmessage =
      incoming && handler
        ? (message, extra) => {
            incoming(message);
            handler(message, extra);
          }
        : handler;
  }

  setProtocolVersion = (version: string): void => {
    this.inner.setProtocolVersion?.(version);
  };

  setSupportedProtocolVersions = (versions: string[]): void => {
    this.inner.setSupportedProtocolVersions?.(versions);
  };
}

/**
 * A message redacted, except a response's `id`: that is the caller's own value echoed back to it,
 * and the transport routes the answer by it (a redacted id would leave the request unanswered).
 */
export function redactMessage(
  message: JSONRPCMessage,
  secrets: readonly Secrets[],
): JSONRPCMessage {
  if (!('id' in message) || 'method' in message) return redactDeep(message, secrets);
  const { id, ...rest } = message;
  const clean = redactDeep(rest, secrets);
  return clean === rest ? message : ({ ...clean, id } as JSONRPCMessage);
}

/** The coded error that stands in for a response that could not be redacted; none for a notification. */
function withheld(message: JSONRPCMessage): JSONRPCMessage | undefined {
  if (!('id' in message) || 'method' in message) return undefined;
  return {
    jsonrpc: '2.0',
    id: message.id,
    error: {
      code: -32603,
      message: `Internal error (${REDACTION_FAILED}): the answer could not be checked for credentials, so it was withheld. Retry; if it persists, report it to the operator.`,
      data: { code: REDACTION_FAILED },
    },
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
