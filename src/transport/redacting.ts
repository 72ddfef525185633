/**
 * Redaction at the boundary (CONTRACT §5): every JSON-RPC message a transport sends — tool
 * results, errors, notifications — is redacted against every credential in use, whatever code
 * built it. Remote mode passes the request's own Secrets (header-supplied keys) besides the
 * process's.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { redactDeep, type Secrets } from '../redact.js';

/** Wraps `transport.send` in place and returns the same transport. */
export function redactOutgoing<T extends Transport>(
  transport: T,
  secrets: () => readonly Secrets[],
): T {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(redactDeep(message, secrets()), options);
  return transport;
}
