/** Diagnostics go to stderr only (stdout is the JSON-RPC channel), with every known secret redacted. */
import { processSecrets } from './redact.js';

/** One diagnostic line on stderr, prefixed and redacted against the environment's keys. */
export function logLine(message: string): void {
  process.stderr.write(`${processSecrets.redact(`billing-customers-mcp: ${message}`)}\n`);
}
