/**
 * OpenTelemetry end to end: the built bin with the standard OTEL_* variables,
 * a real SDK client over stdio and over Streamable HTTP, and a real OTLP/HTTP receiver on
 * 127.0.0.1 that decodes what arrives. Nothing between them is mocked.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { headerValues, telemetryPlan } from '../../src/telemetry/index.js';
import { connectHttpClient, spawnHttpBin } from '../helpers/http.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../helpers/otlp.js';
import { spawnRaw } from '../helpers/process.js';
import { codeBlocks, shellCommands, words } from '../helpers/readme.js';
import { BASE_ENV, BIN, ROOT, runProcess } from '../helpers/run.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

/** A client-side trace context: `traceparent` as a client would send it, and its ids. */
function clientTrace() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The built bin over stdio with a real SDK client; stderr kept. */
async function spawnStdio(args: string[], env: Record<string, string>, bin = BIN) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, ...args],
    env: { ...BASE_ENV, ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'otel-test', version: '0.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

const otelEnv = (receiver: OtlpReceiver, extra: Record<string, string> = {}) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
  OTEL_SERVICE_NAME: 'billing-mcp-test',
  ...extra,
});

const requestSpan = (spans: ReceivedSpan[], traceId: string, name: string) =>
  spans.find((s) => s.traceId === traceId && s.kind === SERVER && s.name === name);
const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId);

/** No attribute anywhere holds a URL query, a path, a key or a customer field. */
function expectNothingSensitive(spans: ReceivedSpan[], secrets: readonly string[]) {
  const values = spans.flatMap((s) => Object.values(s.attributes).map(String));
  for (const value of values) {
    expect(value).not.toMatch(/[?&=]|\/customers|@/);
    for (const secret of secrets) expect(value).not.toContain(secret);
  }
  const keys = spans.flatMap((s) => Object.keys(s.attributes));
  expect(keys.filter((k) => k.startsWith('url.') && k !== 'url.scheme')).toEqual([]);
}

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('OpenTelemetry over OTLP/HTTP', () => {
  it('stdio --demo: a span per request continuing the _meta traceparent, a child span per upstream attempt, metrics, all flushed when stdin closes', async () => {
    const { client } = await spawnStdio(['--demo'], otelEnv(receiver));
    const listed = clientTrace();
    const missing = clientTrace();
    await client.callTool({
      name: 'quentli_list_customers',
      arguments: { take: 2 },
      _meta: { traceparent: listed.traceparent },
    });
    const notFound = await client.callTool({
      name: 'flexprice_get_customer',
      arguments: { id: 'cust_does_not_exist' },
      _meta: { traceparent: missing.traceparent },
    });
    expect(notFound.isError).toBe(true);
    await client.listTools();
    // Exported on the way out only (the batch delay and metric interval are longer than this test).
    await client.close();
    await receiver.until(
      () =>
        receiver.spans.some((s) => s.traceId === missing.traceId) &&
        receiver.points.some((p) => p.metric === 'mcp.server.operation.duration'),
    );
    const { spans, points } = receiver;

    const list = requestSpan(spans, listed.traceId, 'tools/call quentli_list_customers');
    expect(list).toBeDefined();
    expect(list?.parentSpanId).toBe(listed.spanId);
    expect(list?.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'quentli_list_customers',
      'gen_ai.operation.name': 'execute_tool',
      'network.transport': 'pipe',
    });
    expect(list?.attributes['error.type']).toBeUndefined();
    expect(list?.resource['service.name']).toBe('billing-mcp-test');

    const attempts = childrenOf(spans, list as ReceivedSpan);
    expect(attempts.length).toBeGreaterThan(0);
    for (const attempt of attempts) {
      expect(attempt.kind).toBe(CLIENT);
      expect(attempt.name).toBe('GET');
      expect(attempt.attributes).toMatchObject({
        'billing.provider': 'quentli',
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'server.address': '127.0.0.1',
      });
    }

    const failed = requestSpan(spans, missing.traceId, 'tools/call flexprice_get_customer');
    expect(failed?.attributes['error.type']).toBe('not_found');
    expect(failed?.status).toBe(ERROR);
    const failedAttempt = childrenOf(spans, failed as ReceivedSpan)[0];
    expect(failedAttempt?.attributes).toMatchObject({
      'billing.provider': 'flexprice',
      'http.response.status_code': 404,
      'error.type': '404',
    });

    // No traceparent: a root span of its own trace.
    const list2 = spans.find((s) => s.name === 'tools/list');
    expect(list2?.parentSpanId).toBeUndefined();

    const operations = points.filter((p) => p.metric === 'mcp.server.operation.duration');
    expect(operations.every((p) => p.unit === 's')).toBe(true);
    const byTool = (tool: string) =>
      operations.find((p) => p.attributes['gen_ai.tool.name'] === tool);
    expect(byTool('quentli_list_customers')?.count).toBe(1);
    expect(byTool('flexprice_get_customer')?.attributes['error.type']).toBe('not_found');
    const upstream = points.filter((p) => p.metric === 'http.client.request.duration');
    expect(upstream.map((p) => p.attributes['billing.provider']).sort()).toEqual(
      expect.arrayContaining(['flexprice', 'quentli']),
    );
    expect(
      upstream.find((p) => p.attributes['billing.provider'] === 'flexprice')?.attributes,
    ).toMatchObject({ 'http.response.status_code': 404, 'error.type': '404' });
    expectNothingSensitive(spans, []);
    // OTLP over HTTP as JSON, to the standard paths under OTEL_EXPORTER_OTLP_ENDPOINT.
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(
      expect.arrayContaining(['/v1/metrics', '/v1/traces']),
    );
  });

  it('--demo --http: the trace id comes from the HTTP traceparent header, or from _meta where a request carries both; spans flushed on SIGTERM', async () => {
    const header = clientTrace();
    const meta = clientTrace();
    const bin = await spawnHttpBin(['--demo'], otelEnv(receiver));
    try {
      const client = await connectHttpClient(bin.url, { traceparent: header.traceparent });
      await client.callTool({
        name: 'find_customers',
        arguments: { email: 'nobody@example.com', take: 1 },
      });
      await client.callTool({
        name: 'maple_list_customers',
        arguments: { take: 1 },
        _meta: { traceparent: meta.traceparent },
      });
      await client.close();
    } finally {
      expect(await bin.stop()).toBe(0);
    }
    await receiver.until(() => receiver.spans.some((s) => s.traceId === meta.traceId));
    const { spans } = receiver;

    const find = requestSpan(spans, header.traceId, 'tools/call find_customers');
    expect(find?.parentSpanId).toBe(header.spanId);
    expect(find?.attributes).toMatchObject({
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'mcp.protocol.version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    // find_customers asks every provider at once: one attempt span (at least) under it for each.
    const providers = new Set(
      childrenOf(spans, find as ReceivedSpan).map((s) => s.attributes['billing.provider']),
    );
    expect([...providers].sort()).toEqual(['flexprice', 'maple', 'quentli']);

    const maple = requestSpan(spans, meta.traceId, 'tools/call maple_list_customers');
    expect(maple?.parentSpanId).toBe(meta.spanId);
    expect(childrenOf(spans, maple as ReceivedSpan).length).toBeGreaterThan(0);
    // Every request span of this session came over HTTP.
    for (const span of spans.filter((s) => s.kind === SERVER)) {
      expect(span.attributes['network.transport']).toBe('tcp');
    }
    expectNothingSensitive(spans, []);
  });

  describe('against emulators started here', () => {
    let sandbox: Sandbox;
    beforeEach(async () => {
      sandbox = await startSandbox();
    });
    afterEach(async () => {
      await sandbox.close();
    });

    it('sends each attempt’s traceparent upstream, and a retried 503 is two attempt spans, a resend count and a retry metric', async () => {
      const env = sandboxEnv(sandbox.emulators);
      const quentli = sandbox.emulators.quentli.emulator;
      quentli.inject({ respond: { status: 503, json: { message: 'busy' } } });
      const { client } = await spawnStdio([], {
        ...env,
        ...otelEnv(receiver, {
          OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20collector-secret-123',
        }),
      });
      const trace = clientTrace();
      await client.callTool({
        name: 'quentli_list_customers',
        arguments: { email: 'ana@example.com', take: 1 },
        _meta: { traceparent: trace.traceparent },
      });
      await client.close();
      await receiver.until(() =>
        receiver.points.some((p) => p.metric === 'billing.upstream.retries'),
      );
      const { spans, points } = receiver;

      const call = requestSpan(spans, trace.traceId, 'tools/call quentli_list_customers');
      const attempts = childrenOf(spans, call as ReceivedSpan);
      expect(attempts.map((a) => a.attributes['http.response.status_code'])).toEqual([503, 200]);
      expect(attempts[0]?.attributes['http.request.resend_count']).toBeUndefined();
      expect(attempts[1]?.attributes['http.request.resend_count']).toBe(1);
      expect(attempts[0]?.status).toBe(ERROR);

      // Each HTTP attempt carried its own span as the parent for the provider's side.
      const sent = quentli.requests.map((r) => r.headers.traceparent);
      expect(sent).toEqual(attempts.map((a) => `00-${trace.traceId}-${a.spanId}-01`));

      const retries = points.filter((p) => p.metric === 'billing.upstream.retries');
      expect(retries).toEqual([
        expect.objectContaining({
          count: 1,
          attributes: { 'billing.provider': 'quentli', 'error.type': '503' },
        }),
      ]);
      // The standard variables reach the exporter (here: the collector's credentials).
      expect(receiver.requests[0]?.headers.authorization).toBe('Bearer collector-secret-123');
      expectNothingSensitive(spans, [env.QUENTLI_API_KEY as string, 'ana@example.com']);
    });
  });

  it('records nothing a caller made up: an unknown method or tool name, a malformed or non-string traceparent', async () => {
    const peer = spawnRaw({ ...BASE_ENV, BILLING_MCP_DEMO: '1', ...otelEnv(receiver) });
    await peer.request(1, 'initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'raw', version: '0' },
    });
    peer.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const unknownMethod = await peer.request(2, 'jane@acme.com/steal', {
      _meta: { traceparent: 'not-a-traceparent' },
    });
    expect(unknownMethod.error).toMatchObject({ code: -32601 });
    const unknownTool = await peer.request(3, 'tools/call', {
      name: 'jane@acme.com',
      arguments: {},
      _meta: { traceparent: 12345 },
    });
    expect(unknownTool.error).toMatchObject({ code: -32602 });
    // A string id that is not a short token (the helper's ids are numbers; the protocol's need not be).
    const oddId = 'id with spaces and jane@acme.com' as unknown as number;
    const badArguments = await peer.request(oddId, 'tools/call', {
      name: 'quentli_get_customer',
      arguments: { id: 'jane@acme.com', nonsense: true },
      _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' },
    });
    expect((badArguments.result as { isError?: boolean }).isError).toBe(true);
    expect(await peer.end()).toBe(0);
    // An unknown method is answered by the SDK v2 during dispatch, before any handler (so that
    // 2026-07-28 over HTTP can answer it 404): no handler runs, so it has no span of its own.
    await receiver.until(() => receiver.spans.length >= 2);
    const { spans } = receiver;
    expect(spans.find((s) => s.attributes['mcp.method.name'] === '_OTHER')).toBeUndefined();
    const unknown = spans.find((s) => s.attributes['error.type'] === '-32602');
    expect(unknown).toMatchObject({ name: 'tools/call', parentSpanId: undefined });
    expect(unknown?.attributes['gen_ai.tool.name']).toBeUndefined();
    expect(unknown?.attributes['rpc.response.status_code']).toBe('-32602');
    const invalid = spans.find((s) => s.name === 'tools/call quentli_get_customer');
    expect(invalid?.attributes['error.type']).toBe('invalid_argument');
    expect(invalid?.attributes['jsonrpc.request.id']).toBeUndefined();
    expect(invalid?.attributes['mcp.protocol.version']).toBe('2026-07-28');
    // No upstream request for invalid input, so no attempt span.
    expect(spans.filter((s) => s.kind === CLIENT)).toEqual([]);
    expectNothingSensitive(spans, ['jane']);
    for (const point of receiver.points) {
      for (const value of Object.values(point.attributes))
        expect(String(value)).not.toMatch(/jane/);
    }
  });

  it('docs/operations.md: the OpenTelemetry example, run as written (pointed at this receiver)', async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const start = doc.indexOf('\n## OpenTelemetry\n');
    expect(start).toBeGreaterThan(-1);
    const end = doc.indexOf('\n## ', start + 1);
    const [block] = codeBlocks(doc.slice(start, end === -1 ? undefined : end), 'sh');
    const [command, ...more] = shellCommands(block as string);
    expect(more).toEqual([]);
    const all = words(command as string);
    const assignments = all.filter((w) => /^[A-Z_]+=/.test(w));
    const argv = all.slice(assignments.length);
    expect(argv.slice(0, 2)).toEqual(['npx', 'billing-customers-mcp']);
    const env = Object.fromEntries(
      assignments.map((w) => [w.split('=')[0], w.slice(w.indexOf('=') + 1)]),
    );
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:4318');
    env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;

    const bin = await spawnHttpBin([], env as Record<string, string>, {
      argv: [process.execPath, BIN, ...argv.slice(2), '--port', '0'],
      cwd: ROOT,
    });
    try {
      const client = await connectHttpClient(bin.url);
      await client.callTool({ name: 'find_customers', arguments: { name: 'a' } });
      await client.close();
    } finally {
      expect(await bin.stop()).toBe(0);
    }
    await receiver.until(() => receiver.spans.some((s) => s.name === 'tools/call find_customers'));
    const span = receiver.spans.find((s) => s.name === 'tools/call find_customers');
    expect(span?.resource['service.name']).toBe(env.OTEL_SERVICE_NAME);
  });

  it('a collector that is down costs no call and does not hold up the exit', async () => {
    const closed = await startOtlpReceiver();
    const endpoint = closed.endpoint;
    await closed.close();
    const { client, stderr } = await spawnStdio(['--demo'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    });
    const result = await client.callTool({ name: 'quentli_list_customers', arguments: {} });
    expect(result.isError).toBeFalsy();
    const started = Date.now();
    await client.close();
    expect(Date.now() - started).toBeLessThan(8000);
    // Said once, on one line, without the SDK's stack.
    expect(stderr()).toMatch(/^billing-customers-mcp: OpenTelemetry: .*ECONNREFUSED.*$/m);
    expect(stderr()).not.toMatch(/uncaught|unhandled|\n\s+at /i);
  });

  it('with OTEL_* unset the telemetry chunk is never loaded: a copy of dist/ without it serves, and fails only once telemetry is configured', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'billing-mcp-dist-'));
    try {
      cpSync(join(ROOT, 'dist'), copy, { recursive: true });
      const bin = join(copy, 'index.js');
      // The whole copy exports with no node_modules anywhere above it: the SDK is in the bundle.
      const whole = await spawnStdio(['--demo'], otelEnv(receiver), bin);
      await whole.client.listTools();
      await whole.client.close();
      await receiver.until(() => receiver.spans.some((s) => s.name === 'tools/list'));

      const chunks = readdirSync(copy).filter((f) => /^otel-.*\.js$/.test(f));
      expect(chunks).toHaveLength(1);
      for (const chunk of chunks) rmSync(join(copy, chunk));

      const { client } = await spawnStdio(['--demo'], {}, bin);
      const result = await client.callTool({ name: 'maple_list_customers', arguments: {} });
      expect(result.isError).toBeFalsy();
      await client.close();

      // The proof that the copy lacks something: asked for telemetry, it cannot start.
      const configured = await runProcess(process.execPath, [bin, '--demo'], {
        env: { ...BASE_ENV, ...otelEnv(receiver) },
      });
      expect(configured.code).toBe(1);
      expect(configured.stderr).toContain(chunks[0]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('telemetryPlan (which OTEL_* settings turn what on)', () => {
  const endpoint = 'http://127.0.0.1:4318';

  it('is off without an endpoint, with OTEL_SDK_DISABLED=true, and with both exporters none', () => {
    expect(telemetryPlan({})).toBeNull();
    expect(telemetryPlan({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_HEADERS: 'a=b' })).toBeNull();
    expect(
      telemetryPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'TRUE' }),
    ).toBeNull();
    expect(
      telemetryPlan({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
      }),
    ).toBeNull();
  });

  it('turns on each signal that has an endpoint of its own or the shared one', () => {
    expect(telemetryPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toMatchObject({
      traces: true,
      metrics: true,
      metricIntervalMs: 60_000,
      notices: [],
    });
    expect(
      telemetryPlan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces` }),
    ).toMatchObject({ traces: true, metrics: false });
    expect(
      telemetryPlan({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${endpoint}/v1/metrics` }),
    ).toMatchObject({ traces: false, metrics: true });
    expect(
      telemetryPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRICS_EXPORTER: 'none' }),
    ).toMatchObject({ traces: true, metrics: false });
  });

  it('says what it cannot honour instead of failing: another protocol, another exporter, a bad interval', () => {
    const plan = telemetryPlan({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRIC_EXPORT_INTERVAL: 'soon',
      OTEL_METRIC_EXPORT_TIMEOUT: '90000',
    });
    expect(plan?.traces).toBe(true);
    expect(plan?.metricIntervalMs).toBe(60_000);
    expect(plan?.metricTimeoutMs).toBe(60_000);
    expect(plan?.notices).toEqual([
      'OTEL_TRACES_EXPORTER=console is not supported; exporting OTLP/HTTP only',
      'OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; sending OTLP over HTTP as JSON (http/json)',
      'OTEL_METRIC_EXPORT_INTERVAL=soon is not a positive whole number of milliseconds; using 60000',
    ]);
  });

  it('reads the collector credentials out of OTEL_EXPORTER_OTLP_HEADERS, raw and decoded, to redact them', () => {
    expect(headerValues('authorization=Bearer%20abc123def,x-team=support')).toEqual([
      'Bearer%20abc123def',
      'Bearer abc123def',
      'support',
      'support',
    ]);
    expect(headerValues(undefined)).toEqual([]);
    expect(headerValues('broken,=x')).toEqual(['x', 'x']);
  });
});
