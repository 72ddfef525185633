/**
 * The OpenTelemetry side of ./index.ts, loaded only when telemetry is configured (a lazy chunk of
 * the bundle, like undici's). OpenTelemetry's own SDK and OTLP/HTTP exporters (JSON, what the
 * official `exporter-*-otlp-http` packages send), which read the standard `OTEL_EXPORTER_OTLP_*`
 * variables themselves (endpoint, headers, timeout, compression, certificates); the tracer
 * provider reads the sampler and limits, the resource `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES`.
 *
 * No context manager and no global registration: the parent of a span is passed explicitly (the
 * request's, found by its abort signal), so nothing changes how the rest of the process runs and
 * nothing else in it is traced.
 */
import {
  type Attributes,
  type Context,
  DiagLogLevel,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type {
  HeaderSource,
  McpRequest,
  Telemetry,
  TelemetryHost,
  TelemetryPlan,
  TraceHeaders,
  UpstreamAttempt,
} from './index.js';

/** Bucket boundaries the MCP semantic conventions give for `mcp.server.operation.duration`. */
const MCP_DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** The HTTP semantic conventions' boundaries for `http.client.request.duration`. */
const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
/** Longest the bin waits for the last export on its way out (a collector that is down). */
const SHUTDOWN_CAP_MS = 5000;

/**
 * What this chunk needs from the server comes in `host` rather than through imports: a chunk that
 * imported the server's modules would make the bundler split those out of index.js into a shared
 * chunk, one more file that every start-up loads.
 */
export function createTelemetry(plan: TelemetryPlan, host: TelemetryHost, env: Env): Telemetry {
  const { name, version } = host;
  const knownCodes: ReadonlySet<string> = new Set(host.errorCodes);
  installDiagLogger(env.OTEL_LOG_LEVEL, host.log);
  // Later entries win: the SDK's telemetry.sdk.*, then ours, then OTEL_SERVICE_NAME and
  // OTEL_RESOURCE_ATTRIBUTES, which the operator set on purpose.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': name, 'service.version': version }))
    .merge(detectResources({ detectors: [envDetector] }));

  const tracerProvider = plan.traces
    ? new BasicTracerProvider({
        resource,
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
      })
    : undefined;
  const meterProvider = plan.metrics
    ? new MeterProvider({
        resource,
        readers: [
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter(),
            exportIntervalMillis: plan.metricIntervalMs,
            exportTimeoutMillis: plan.metricTimeoutMs,
          }),
        ],
      })
    : undefined;

  const tracer = (tracerProvider ?? trace.getTracerProvider()).getTracer(name, version);
  const meter = meterProvider?.getMeter(name, version);
  const operationDuration = meter?.createHistogram('mcp.server.operation.duration', {
    unit: 's',
    description: 'MCP request duration as observed on the server, until its result is ready.',
    advice: { explicitBucketBoundaries: MCP_DURATION_BUCKETS },
  });
  const upstreamDuration = meter?.createHistogram('http.client.request.duration', {
    unit: 's',
    description: 'Duration of each HTTP attempt to a billing provider.',
    advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
  });
  const upstreamRetries = meter?.createCounter('billing.upstream.retries', {
    unit: '{retry}',
    description: 'Attempts to a billing provider that were retries, by what the one before got.',
  });

  const propagator = new W3CTraceContextPropagator();
  /** Each request's span context, by the request's abort signal (see ./index.ts). */
  const requestContexts = new WeakMap<AbortSignal, Context>();
  /** What each logical upstream request's last attempt got: the cause of the next retry. */
  const lastOutcome = new WeakMap<object, string>();

  async function request<T>(req: McpRequest, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const attributes = requestAttributes(req);
    const method = attributes['mcp.method.name'];
    const tool = attributes['gen_ai.tool.name'];
    const span = tracer.startSpan(
      tool === undefined ? String(method) : `${method} ${tool}`,
      { kind: SpanKind.SERVER, attributes },
      parentContext(req, propagator),
    );
    requestContexts.set(req.signal, trace.setSpan(ROOT_CONTEXT, span));
    let errorType: string | undefined;
    try {
      const result = await run();
      errorType = toolErrorCode(result, knownCodes);
      if (errorType !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
      return result;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      errorType = typeof code === 'number' ? String(code) : '_OTHER';
      if (typeof code === 'number') span.setAttribute('rpc.response.status_code', String(code));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      if (errorType !== undefined) {
        span.setAttribute('error.type', errorType);
        attributes['error.type'] = errorType;
      }
      span.end();
      delete attributes['jsonrpc.request.id']; // per request: no metric dimension
      operationDuration?.record((performance.now() - started) / 1000, attributes);
    }
  }

  async function upstreamAttempt<R extends { status: number }>(
    attempt: UpstreamAttempt,
    run: (traceHeaders: TraceHeaders | undefined) => Promise<R>,
  ): Promise<R> {
    const started = performance.now();
    const attributes = upstreamAttributes(attempt);
    if (attempt.retry > 0) {
      const cause = lastOutcome.get(attempt.request) ?? '_OTHER';
      upstreamRetries?.add(1, { 'billing.provider': attempt.provider, 'error.type': cause });
    }
    const { signal } = attempt;
    const parent = (signal && requestContexts.get(host.callSignal(signal))) ?? ROOT_CONTEXT;
    const span = tracer.startSpan(attempt.method, { kind: SpanKind.CLIENT, attributes }, parent);
    const traceHeaders: TraceHeaders = {};
    propagator.inject(trace.setSpan(parent, span), traceHeaders, defaultTextMapSetter);
    let errorType: string | undefined;
    try {
      const response = await run(traceHeaders);
      span.setAttribute('http.response.status_code', response.status);
      attributes['http.response.status_code'] = response.status;
      if (response.status >= 400) errorType = String(response.status);
      return response;
    } catch (error) {
      errorType = attemptErrorType(error, attempt.signal, knownCodes, host);
      throw error;
    } finally {
      lastOutcome.set(attempt.request, errorType ?? 'ok');
      if (errorType !== undefined) {
        span.setAttribute('error.type', errorType);
        span.setStatus({ code: SpanStatusCode.ERROR });
        attributes['error.type'] = errorType;
      }
      span.end();
      delete attributes['http.request.resend_count']; // a span detail, not a metric dimension
      upstreamDuration?.record((performance.now() - started) / 1000, attributes);
    }
  }

  async function shutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const capped = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_CAP_MS);
      timer.unref();
    });
    const flushed = Promise.allSettled([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
    await Promise.race([flushed, capped]);
    clearTimeout(timer);
  }

  return { request, upstreamAttempt, shutdown };
}

type Env = Record<string, string | undefined>;

/** MCP's request methods (both revisions): a method outside them is recorded as `_OTHER`. */
const MCP_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tasks/cancel',
]);

function requestAttributes(req: McpRequest): Attributes {
  const tcp = req.headers !== undefined;
  const attributes: Attributes = {
    // A caller's made-up method name is neither bounded nor ours to record.
    'mcp.method.name': MCP_METHODS.has(req.method) ? req.method : '_OTHER',
    'network.transport': tcp ? 'tcp' : 'pipe',
  };
  if (tcp) attributes['network.protocol.name'] = 'http';
  if (req.method === 'tools/call') {
    attributes['gen_ai.operation.name'] = 'execute_tool';
    const name = (req.params as { name?: unknown } | undefined)?.name;
    // Only this server's own tool names: anything else a caller sends stays out of the data.
    if (typeof name === 'string' && req.knownTool?.(name)) attributes['gen_ai.tool.name'] = name;
  }
  // 2026-07-28 names the revision in every request's _meta; over HTTP the header says it too.
  const stated = req.protocolVersion ?? metaOf(req)?.[PROTOCOL_VERSION_META_KEY];
  const version =
    typeof stated === 'string'
      ? stated
      : req.headers && header(req.headers, 'mcp-protocol-version');
  if (version && /^\d{4}-\d{2}-\d{2}$/.test(version)) attributes['mcp.protocol.version'] = version;
  const id = req.requestId;
  if (typeof id === 'number' || (typeof id === 'string' && /^[\w.:-]{1,64}$/.test(id))) {
    attributes['jsonrpc.request.id'] = String(id);
  }
  return attributes;
}

/** Per base URL (a handful: the configured providers, or a tenant's allow-listed ones). */
const serverAttributes = new Map<string, Attributes>();

function upstreamAttributes(attempt: UpstreamAttempt): Attributes {
  let server = serverAttributes.get(attempt.baseUrl);
  if (!server) {
    // Scheme, host and port only: the path holds customer ids and emails, the query filters.
    const url = new URL(attempt.baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const scheme = url.protocol.slice(0, -1);
    server = { 'server.address': url.hostname, 'server.port': port, 'url.scheme': scheme };
    if (serverAttributes.size > 1000) serverAttributes.clear();
    serverAttributes.set(attempt.baseUrl, server);
  }
  const attributes: Attributes = {
    'billing.provider': attempt.provider,
    'http.request.method': attempt.method,
    ...server,
  };
  if (attempt.retry > 0) attributes['http.request.resend_count'] = attempt.retry;
  return attributes;
}

/**
 * The trace the request belongs to: `params._meta` (the MCP way, per message) before the HTTP
 * `traceparent` header (per POST, which a batch shares). A malformed value is ignored (a root span).
 */
function parentContext(req: McpRequest, propagator: W3CTraceContextPropagator): Context {
  const meta = metaOf(req);
  if (typeof meta?.traceparent === 'string') {
    return propagator.extract(ROOT_CONTEXT, meta, metaGetter);
  }
  if (req.headers !== undefined && header(req.headers, 'traceparent') !== undefined) {
    const headers = req.headers;
    return propagator.extract(ROOT_CONTEXT, headers, {
      keys: () => ['traceparent', 'tracestate'],
      get: (_carrier, key) => header(headers, key),
    });
  }
  return ROOT_CONTEXT;
}

type Carrier = Record<string, unknown>;

const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';

function metaOf(req: McpRequest): Carrier | undefined {
  const meta = req.meta ?? (req.params as { _meta?: unknown } | undefined)?._meta;
  return meta !== null && typeof meta === 'object' ? (meta as Carrier) : undefined;
}

/** `_meta` values that are strings; anything else a client put there is not trace context. */
const metaGetter: TextMapGetter<Carrier> = {
  keys: (carrier) => defaultTextMapGetter.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The coded error of an `isError` tool result (CONTRACT §5), or undefined for a success. */
function toolErrorCode(result: unknown, knownCodes: ReadonlySet<string>): string | undefined {
  const { isError, content } = (result ?? {}) as { isError?: unknown; content?: unknown };
  if (isError !== true) return undefined;
  const text = Array.isArray(content) ? (content[0] as { text?: unknown } | undefined)?.text : '';
  try {
    const code = (JSON.parse(String(text)) as { error?: { code?: unknown } }).error?.code;
    // Only a code of CONTRACT §5: nothing else from the text becomes an attribute.
    return typeof code === 'string' && knownCodes.has(code) ? code : 'tool_error';
  } catch {
    return 'tool_error';
  }
}

/** A thrown attempt failure as a low-cardinality name (semantic conventions' `error.type`). */
function attemptErrorType(
  error: unknown,
  signal: AbortSignal | undefined,
  knownCodes: ReadonlySet<string>,
  host: TelemetryHost,
): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && knownCodes.has(code)) return code; // a ToolError
  if (signal?.aborted) return 'cancelled';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  return host.connectionErrorCode(error) ?? '_OTHER';
}

/**
 * The SDK's own diagnostics (an export that failed, a collector that refused) to stderr, as every
 * other line of this server, redacted; at most one line a minute for the same message, so a
 * collector that is down does not fill the log. `OTEL_LOG_LEVEL` as the spec names its levels.
 */
function installDiagLogger(level: string | undefined, log: (line: string) => void): void {
  const levels: Record<string, DiagLogLevel> = {
    NONE: DiagLogLevel.NONE,
    ERROR: DiagLogLevel.ERROR,
    WARN: DiagLogLevel.WARN,
    INFO: DiagLogLevel.INFO,
    DEBUG: DiagLogLevel.DEBUG,
    VERBOSE: DiagLogLevel.VERBOSE,
    ALL: DiagLogLevel.ALL,
  };
  const lastSaid = new Map<string, number>();
  const say = (message: string, ...args: unknown[]) => {
    const text = [message, ...args]
      .map(describe)
      .join(' ')
      .replace(/\s*\n\s*/g, ' | ');
    const now = Date.now();
    if ((lastSaid.get(text) ?? -Infinity) > now - 60_000) return;
    if (lastSaid.size > 100) lastSaid.clear();
    lastSaid.set(text, now);
    log(`OpenTelemetry: ${text}`);
  };
  diag.setLogger(
    { error: say, warn: say, info: say, debug: say, verbose: say },
    {
      logLevel: levels[level?.trim().toUpperCase() ?? ''] ?? DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    },
  );
}

/** The message of an error, also of one the SDK's error handler turned into JSON (with its stack). */
function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') {
    if (!value.startsWith('{')) return value;
    try {
      const { message } = JSON.parse(value) as { message?: unknown };
      return typeof message === 'string' ? message : value;
    } catch {
      return value;
    }
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
