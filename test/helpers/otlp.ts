/**
 * A real OTLP/HTTP receiver on 127.0.0.1: POST /v1/traces and /v1/metrics with OTLP JSON bodies
 * (gzip or not), decoded into flat spans and metric points for the assertions. What a collector
 * would do with them is not its business; what the server sent is.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

type OtlpValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
};
type OtlpAttribute = { key: string; value: OtlpValue };
export type Attributes = Record<string, string | number | boolean>;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP SpanKind: 2 server, 3 client. */
  kind: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: number;
  attributes: Attributes;
  resource: Attributes;
}

export interface ReceivedPoint {
  metric: string;
  unit: string;
  attributes: Attributes;
  /** Histogram: how many values; sum: the total. */
  count: number;
  resource: Attributes;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT`, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  spans: ReceivedSpan[];
  points: ReceivedPoint[];
  /** Every request as received: path, headers, content type. */
  requests: { path: string; headers: IncomingHttpHeaders }[];
  /** Resolves once `ready()` holds (checked on each export), or rejects after `ms`. */
  until(ready: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const requests: OtlpReceiver['requests'] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push({ path, headers: req.headers });
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      const json = JSON.parse(body.toString('utf8'));
      if (path === '/v1/traces') spans.push(...decodeSpans(json));
      else if (path === '/v1/metrics') points.push(...decodePoints(json));
      else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    points,
    requests,
    until(ready, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!ready()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`OTLP receiver: not there within ${ms} ms`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function attributes(list: OtlpAttribute[] | undefined): Attributes {
  const out: Attributes = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: OTLP JSON, walked field by field
function decodeSpans(json: any): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of json.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        out.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          name: span.name,
          kind: span.kind,
          status: span.status?.code ?? 0,
          attributes: attributes(span.attributes),
          resource,
        });
      }
    }
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: OTLP JSON, walked field by field
function decodePoints(json: any): ReceivedPoint[] {
  const out: ReceivedPoint[] = [];
  for (const rm of json.resourceMetrics ?? []) {
    const resource = attributes(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      for (const metric of sm.metrics ?? []) {
        const data = metric.histogram ?? metric.sum ?? metric.gauge;
        for (const point of data?.dataPoints ?? []) {
          out.push({
            metric: metric.name,
            unit: metric.unit ?? '',
            attributes: attributes(point.attributes),
            count: Number(point.count ?? point.asInt ?? point.asDouble ?? 0),
            resource,
          });
        }
      }
    }
  }
  return out;
}
