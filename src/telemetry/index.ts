/**
 * OpenTelemetry: traces and metrics over OTLP/HTTP, on only when the standard
 * `OTEL_EXPORTER_OTLP_*ENDPOINT` variables say where to send them. This file is what the rest of
 * the server sees: the hook API below and the start-up switch. It imports nothing of OpenTelemetry;
 * the SDK lives in ./otel.ts, a lazily loaded chunk of the bundle that only `startTelemetry` loads,
 * and only when configured. Off (the default), every hook is a plain call of `run`.
 *
 * The API (move these calls, not the code behind them, when request handling moves):
 *
 * - `telemetry.request(request, run)`: wraps the handling of one MCP request; `run` produces its
 *   result. One SERVER span per request per the MCP semantic conventions (`mcp.method.name`,
 *   `gen_ai.tool.name`, `error.type` = the coded error of an `isError` result or the JSON-RPC
 *   code of a thrown error, `network.transport` pipe|tcp), its parent taken from
 *   `params._meta.traceparent` or else the HTTP `traceparent` header; the histogram
 *   `mcp.server.operation.duration`. `request.signal` (the call's abort signal, which every
 *   upstream request of the call carries down to Upstream) is how upstream attempts find their
 *   parent span: not AsyncLocalStorage, for the reason given in src/call-state.ts.
 * - `telemetry.upstreamAttempt(attempt, run)`: wraps one HTTP attempt to a provider; `run` gets
 *   the trace headers to send (`traceparent`, `tracestate`; undefined when off) and resolves with
 *   an object carrying the response `status`. One CLIENT span per attempt (provider, host, status,
 *   retry number: never the path, the query or a header), the histogram
 *   `http.client.request.duration` and the counter `billing.upstream.retries`.
 * - `telemetry.shutdown()`: flushes what is buffered (bounded in time); the bin calls it on stdin
 *   close and SIGTERM/SIGINT, before it exits.
 *
 * The hooks today, each marked `telemetry:`: src/server.ts (the tools/call dispatch and
 * tools/list), src/upstream/upstream.ts (the attempt loop), src/index.ts (start, shutdown).
 *
 * Attributes are names, codes and numbers this server chose: never a key, a token, a URL query,
 * an argument value or a customer field.
 */
import { callSignal } from '../call-state.js';
import { ERROR_CODES } from '../errors.js';
import { logLine } from '../log.js';
import { processSecrets } from '../redact.js';
import { connectionErrorCode } from '../upstream/retry.js';

/** One MCP request, as the server's dispatch sees it (SDK-independent). */
export interface McpRequest {
  method: string;
  /** The request's params as received: read for `name` (tools/call) and `_meta` trace context. */
  params: unknown;
  /** The request's `_meta`, where the SDK hands it apart from `params` (else `params._meta`). */
  meta?: unknown;
  /** The revision the request states (2026-07-28's `_meta` envelope), where the SDK lifted it off. */
  protocolVersion?: unknown;
  /** The request's abort signal; the parent of its upstream attempts is found by it. */
  signal: AbortSignal;
  /** HTTP request headers (Streamable HTTP); absent over stdio, which makes the transport `pipe`. */
  headers?: HeaderSource;
  /** The JSON-RPC id (recorded as `jsonrpc.request.id` when it is short and printable). */
  requestId?: string | number;
  /** Whether a `tools/call` name is one of this server's tools: only those become attributes. */
  knownTool?: (name: string) => boolean;
}

/** A plain header record (node:http, SDK v1's requestInfo) or a fetch `Headers`. */
export type HeaderSource =
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null };

/** One HTTP attempt to a provider. */
export interface UpstreamAttempt {
  /** The same object for every attempt of one logical request: how retries are told apart. */
  request: object;
  signal: AbortSignal | undefined;
  /** The provider id: `quentli`. */
  provider: string;
  method: string;
  /** Only its scheme, host and port are recorded. */
  baseUrl: string;
  /** 0 for the first attempt, n for the n-th retry. */
  retry: number;
}

export type TraceHeaders = Record<string, string>;

export interface Telemetry {
  request<T>(request: McpRequest, run: () => Promise<T>): Promise<T>;
  upstreamAttempt<R extends { status: number }>(
    attempt: UpstreamAttempt,
    run: (traceHeaders: TraceHeaders | undefined) => Promise<R>,
  ): Promise<R>;
  shutdown(): Promise<void>;
}

const off: Telemetry = {
  request: (_request, run) => run(),
  upstreamAttempt: (_attempt, run) => run(undefined),
  shutdown: async () => undefined,
};

/** The hooks call through this object; `startTelemetry` swaps in the real methods when configured. */
export const telemetry: Telemetry = { ...off };

/** What the environment asks for: which signals go where is left to the exporters (they read env). */
export interface TelemetryPlan {
  traces: boolean;
  metrics: boolean;
  metricIntervalMs: number;
  metricTimeoutMs: number;
  /** Warnings about variables that were set but cannot be honoured (stderr at start-up). */
  notices: string[];
}

type Env = Record<string, string | undefined>;

/** What ./otel.ts takes from the server (passed in, not imported: see createTelemetry). */
export interface TelemetryHost {
  /** `service.name` unless OTEL_SERVICE_NAME says otherwise, and the tracer's and meter's name. */
  name: string;
  version: string;
  errorCodes: readonly string[];
  connectionErrorCode: (error: unknown) => string | undefined;
  /** The call's own signal for a signal derived from it (src/call-state.ts). */
  callSignal: (signal: AbortSignal) => AbortSignal;
  log: (line: string) => void;
}

/**
 * Null when telemetry stays off: no endpoint set, `OTEL_SDK_DISABLED=true`, or both signals'
 * exporters set to `none`. A signal needs its own endpoint or the shared one: none is assumed
 * (the spec's default, localhost:4318, would send data nobody asked for to whatever listens there).
 */
export function telemetryPlan(env: Env): TelemetryPlan | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  const notices: string[] = [];
  const wanted = (signal: 'TRACES' | 'METRICS') => {
    if (!set('OTEL_EXPORTER_OTLP_ENDPOINT') && !set(`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`)) {
      return false;
    }
    const exporters = (env[`OTEL_${signal}_EXPORTER`] ?? 'otlp').split(',').map((e) => e.trim());
    if (exporters.includes('none')) return false;
    const other = exporters.filter((e) => e !== 'otlp' && e !== '');
    if (other.length > 0) {
      // `console` above all: in stdio mode stdout is the protocol.
      notices.push(
        `OTEL_${signal}_EXPORTER=${other.join(',')} is not supported; exporting OTLP/HTTP only`,
      );
    }
    return true;
  };
  const traces = wanted('TRACES');
  const metrics = wanted('METRICS');
  if (!traces && !metrics) return null;
  for (const name of [
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
  ]) {
    const value = env[name]?.trim();
    if (value && value !== 'http/json') {
      notices.push(`${name}=${value} is not supported; sending OTLP over HTTP as JSON (http/json)`);
    }
  }
  const millis = (name: string, fallback: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value > 0) return value;
    notices.push(
      `${name}=${raw} is not a positive whole number of milliseconds; using ${fallback}`,
    );
    return fallback;
  };
  const metricIntervalMs = millis('OTEL_METRIC_EXPORT_INTERVAL', 60_000);
  // The SDK refuses a timeout longer than the interval.
  const metricTimeoutMs = Math.min(millis('OTEL_METRIC_EXPORT_TIMEOUT', 30_000), metricIntervalMs);
  return { traces, metrics, metricIntervalMs, metricTimeoutMs, notices };
}

/**
 * Turns telemetry on when the environment configures it; otherwise returns at once, having loaded
 * nothing. The collector's credentials (`OTEL_EXPORTER_OTLP_*HEADERS` values) are secrets like the
 * providers' keys: redacted from everything this process writes.
 */
export async function startTelemetry(env: Env, name: string, version: string): Promise<void> {
  const plan = telemetryPlan(env);
  if (!plan) return;
  for (const name of [
    'OTEL_EXPORTER_OTLP_HEADERS',
    'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  ]) {
    for (const value of headerValues(env[name])) processSecrets.add(value);
  }
  for (const notice of plan.notices) logLine(notice);
  const { createTelemetry } = await import('./otel.js');
  const host = {
    name,
    version,
    errorCodes: ERROR_CODES,
    connectionErrorCode,
    callSignal,
    log: logLine,
  };
  Object.assign(telemetry, createTelemetry(plan, host, env));
}

/** The values of a `key=value,key2=value2` list (W3C Baggage form, values percent-encoded). */
export function headerValues(list: string | undefined): string[] {
  if (!list) return [];
  const values: string[] = [];
  for (const pair of list.split(',')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const raw = pair.slice(eq + 1).trim();
    values.push(raw);
    try {
      values.push(decodeURIComponent(raw));
    } catch {
      // Not percent-encoded as it should be: the raw form is registered already.
    }
  }
  return values;
}
