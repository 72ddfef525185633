/**
 * The audit trail (`BILLING_MCP_AUDIT_LOG`): one JSON line per tool call, saying who looked up
 * what and what came back, without storing what was looked up. Each argument value is kept only
 * as HMAC-SHA-256 under `BILLING_MCP_AUDIT_KEY`, so an investigator who holds the key can answer
 * "who looked up jane@acme.com?" by hashing that address the same way, while the log itself holds
 * no address, name or phone. Customer ids are logged (they are what an investigation follows);
 * no other customer field, key or token ever is. The schema is in docs/operations.md.
 *
 * Writing never holds up or fails a call: lines are appended asynchronously, and a failed write
 * (a read-only path, a full disk) is one stderr line per failure burst, never a lost answer.
 */
import { createHmac } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { ConfigError } from './errors.js';
import { logLine } from './log.js';
import { processSecrets, redactWith, type Secrets } from './redact.js';
import { codedErrorOf } from './tools/result.js';

export const AUDIT_LOG_VARIABLE = 'BILLING_MCP_AUDIT_LOG';
export const AUDIT_KEY_VARIABLE = 'BILLING_MCP_AUDIT_KEY';
/** Shorter keys make the hashes of short values (ids, emails) cheap to guess. */
const MIN_KEY_LENGTH = 16;

/** Who made the call, as far as this server knows it. */
export type Principal =
  | { kind: 'oauth'; sub: string | null; client_id: string | null }
  | { kind: 'token'; name: string }
  | { kind: 'tenant'; fingerprint: string }
  | { kind: 'local' };

export interface AuditEvent {
  tool: string;
  /** The providers this call asked (find_customers: each section's provider). */
  providers: readonly string[];
  args: Record<string, unknown> | undefined;
  principal: Principal;
  /** "ok", a coded tool error (CONTRACT §5), or "cancelled". */
  result: string;
  customerIds: readonly string[];
  durationMs: number;
  requestId: string | number | null;
  traceId: string | null;
  transport: 'stdio' | 'http';
}

export interface AuditLog {
  record(event: AuditEvent, secrets?: readonly Secrets[]): void;
  /** Resolves when every line handed to record() so far is written (or has failed). */
  flush(): Promise<void>;
}

/** The audit log the environment asks for, or undefined when BILLING_MCP_AUDIT_LOG is unset. */
export function auditLogFromEnv(env: NodeJS.ProcessEnv): AuditLog | undefined {
  const target = env[AUDIT_LOG_VARIABLE]?.trim();
  if (!target) return undefined;
  const key = env[AUDIT_KEY_VARIABLE];
  if (key === undefined || key.length < MIN_KEY_LENGTH)
    throw new ConfigError(
      `${AUDIT_LOG_VARIABLE} is set, so ${AUDIT_KEY_VARIABLE} must be too: a secret of at least ${MIN_KEY_LENGTH} characters that keys the hashes of argument values (e.g. \`openssl rand -hex 32\`).`,
    );
  // The key never appears in any output, like a provider key.
  processSecrets.add(key);
  return openAuditLog(target, key);
}

export function openAuditLog(target: string, key: string, now = () => new Date()): AuditLog {
  let pending: Promise<void> = Promise.resolve();
  let failing = false;
  const write =
    target === 'stderr'
      ? async (line: string) => {
          process.stderr.write(line);
        }
      : (line: string) => appendFile(target, line, { encoding: 'utf8', mode: 0o600 });
  return {
    record(event, secrets = []) {
      const line = `${redactWith(JSON.stringify(auditRecord(event, key, now())), [processSecrets, ...secrets])}\n`;
      pending = pending.then(() =>
        write(line).then(
          () => {
            failing = false;
          },
          (error: NodeJS.ErrnoException) => {
            // One line per run of failures: a broken path must not flood stderr either.
            if (!failing)
              logLine(
                `audit log: cannot write to ${target} (${error.code ?? error.message}); the call was answered, its audit line is lost`,
              );
            failing = true;
          },
        ),
      );
    },
    flush: () => pending,
  };
}

/** The line's fields, in the order docs/operations.md lists them. */
export function auditRecord(event: AuditEvent, key: string, time: Date): Record<string, unknown> {
  const args: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.args ?? {})) {
    if (value !== undefined) args[name] = auditHash(key, value);
  }
  return {
    time: time.toISOString(),
    transport: event.transport,
    principal: event.principal,
    tool: event.tool,
    providers: event.providers,
    args,
    result: event.result,
    customer_ids: event.customerIds,
    duration_ms: Math.round(event.durationMs),
    request_id: event.requestId,
    trace_id: event.traceId,
  };
}

/**
 * HMAC-SHA-256 (hex) of an argument value: a string as its trimmed, lower-cased NFC text (so
 * `Jane@Acme.com` and `jane@acme.com` hash alike), anything else as its JSON.
 */
export function auditHash(key: string, value: unknown): string {
  const text =
    typeof value === 'string' ? value.normalize('NFC').trim().toLowerCase() : JSON.stringify(value);
  return createHmac('sha256', key)
    .update(text ?? 'undefined')
    .digest('hex');
}

/** `provider:id` for every customer in a tool's structured result (get, list page, find sections). */
export function customerIdsOf(structured: unknown, provider?: string): string[] {
  if (structured === null || typeof structured !== 'object') return [];
  const value = structured as {
    customer?: { id?: unknown; provider?: unknown };
    provider?: unknown;
    items?: { id?: unknown }[];
    results?: unknown[];
  };
  const ids: string[] = [];
  if (value.customer && typeof value.customer.id === 'string')
    ids.push(`${String(value.customer.provider ?? provider)}:${value.customer.id}`);
  if (Array.isArray(value.items)) {
    for (const item of value.items)
      if (typeof item?.id === 'string')
        ids.push(`${String(value.provider ?? provider)}:${item.id}`);
  }
  if (Array.isArray(value.results))
    for (const section of value.results) ids.push(...customerIdsOf(section));
  return ids;
}

/** What the server knows of a call besides its tool, arguments and result. */
export interface CallFacts {
  principal: Principal;
  transport: 'stdio' | 'http';
  /** Every provider this server serves (the providers a find_customers call may ask). */
  providers: readonly string[];
  durationMs: number;
  requestId: string | number | null | undefined;
  meta: Record<string, unknown> | undefined;
  cancelled: boolean;
}

/** The audit event of one tools/call answered with `result` (a CallToolResult). */
export function auditEvent(
  tool: string,
  args: unknown,
  result: { isError?: boolean; content?: unknown[]; structuredContent?: unknown },
  facts: CallFacts,
): AuditEvent {
  const argsObject =
    args !== null && typeof args === 'object' && !Array.isArray(args)
      ? (args as Record<string, unknown>)
      : undefined;
  const own = facts.providers.find((id) => tool.startsWith(`${id}_`));
  return {
    tool,
    providers: own ? [own] : askedProviders(argsObject, result.structuredContent, facts.providers),
    args: argsObject,
    principal: facts.principal,
    result: facts.cancelled ? 'cancelled' : resultCode(result),
    customerIds: customerIdsOf(result.structuredContent, own),
    durationMs: facts.durationMs,
    requestId: facts.requestId ?? null,
    traceId: traceIdOf(facts.meta?.traceparent),
    transport: facts.transport,
  };
}

function askedProviders(
  args: Record<string, unknown> | undefined,
  structured: unknown,
  all: readonly string[],
): string[] {
  const sections = (structured as { results?: { provider?: unknown }[] } | undefined)?.results;
  if (Array.isArray(sections)) return sections.map((section) => String(section?.provider));
  const asked = args?.providers;
  return Array.isArray(asked) ? all.filter((id) => asked.includes(id)) : [...all];
}

/** "ok", or the code of a coded error (CONTRACT §5); a find_customers answer counts as ok unless every section failed. */
function resultCode(result: { isError?: boolean; content?: unknown[] }): string {
  if (!result.isError) return 'ok';
  const code = codedErrorOf(result);
  return code !== undefined && /^[a-z_]{1,40}$/.test(code) ? code : 'error';
}

/** The trace id of a W3C traceparent, when the call's _meta carries a well-formed one. */
function traceIdOf(traceparent: unknown): string | null {
  if (typeof traceparent !== 'string') return null;
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent.trim());
  return match && !/^0+$/.test(match[1] as string) ? (match[1] as string) : null;
}
