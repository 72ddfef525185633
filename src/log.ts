/** Diagnostics go to stderr only (stdout is the JSON-RPC channel), with every known secret redacted. */

const secrets = new Set<string>();

/** Registers a value that must never appear in a log line (API keys, tokens). */
export function registerSecret(value: string | undefined): void {
  // Both forms: config sends the trimmed key, a paste may carry a trailing newline.
  for (const form of [value, value?.trim()]) if (form && form.length >= 4) secrets.add(form);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

/** One diagnostic line on stderr, prefixed and redacted. */
export function logLine(message: string): void {
  process.stderr.write(`${redact(`billing-customers-mcp: ${message}`)}\n`);
}
