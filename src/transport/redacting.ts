/**
 * Redaction at the boundary (CONTRACT §5): every JSON-RPC message a transport sends — tool
 * results, errors, notifications — is redacted against every credential in use, whatever code
 * built it. Remote mode passes the request's own Secrets (header-supplied keys) besides the
 * process's. Fail closed: a message whose redaction throws is never sent as it was; a response
 * becomes a coded error (so the request is still answered), a notification is dropped.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { logLine } from '../log.js';
import { redactDeep, type Secrets } from '../redact.js';

export const REDACTION_FAILED = 'redaction_failed';

/** Wraps `transport.send` in place and returns the same transport. */
export function redactOutgoing<T extends Transport>(
  transport: T,
  secrets: () => readonly Secrets[],
): T {
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    let clean: JSONRPCMessage | undefined;
    try {
      clean = redactMessage(message, secrets());
    } catch (error) {
      // The error's name only: its message could quote what was being matched.
      logLine(`${REDACTION_FAILED}: an outgoing message was withheld (${errorName(error)})`);
      clean = withheld(message);
    }
    if (clean !== undefined) await send(clean, options);
  };
  return transport;
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
