/**
 * The one place that talks HTTP: undici on a shared keep-alive dispatcher, a timeout per attempt,
 * the caller's abort signal, a body-size cap, retries for reads, and status → coded ToolError.
 */
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { countUpstreamRequest, noteRetry, noteTimeout } from '../call-state.js';
import { ToolError, trimProviderMessage } from '../errors.js';
import { fingerprint } from '../fingerprint.js';
import { logLine } from '../log.js';
import { Secrets } from '../redact.js';
import { type TraceHeaders, telemetry } from '../telemetry/index.js';
import { type Clock, realClock } from './clock.js';
import { RequestGate } from './gate.js';
import { parseProviderJson } from './json.js';
import { isDotSegment } from './path.js';
import {
  backoffDelayMs,
  connectionErrorCode,
  parseRetryAfter,
  RETRYABLE_STATUSES,
} from './retry.js';
import { DEFAULT_MAX_CONNECTIONS, loadUndici, sharedDispatcher } from './undici.js';

export interface HttpSettings {
  /** Per attempt: no complete answer within this → `timeout`. */
  timeoutMs: number;
  /** Retries after the first attempt, for retryable failures. */
  maxRetries: number;
  /** Per upstream origin: the pool's connections and the request gate's slots (default 64). */
  maxConnections?: number;
  /** Defaults to the process-wide keep-alive pool (tests pass their own). */
  dispatcher?: Dispatcher;
  /** Bodies larger than this are cut off and reported, never buffered. */
  maxBodyBytes?: number;
  /** A `Retry-After` longer than this is not waited for: the call fails with `rate_limited`. */
  retryAfterCapSeconds?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** What the waits between attempts run on (Retry-After, backoff, 429 pause); default real. */
  clock?: Clock;
}

export interface UpstreamOptions {
  /** As users know it, for messages: 'Quentli'. */
  displayName: string;
  /** For the `provider` field of errors: 'quentli'. */
  providerId: string;
  /** Origin plus the API prefix, no trailing slash: 'https://api.quentli.com/v1'. */
  baseUrl: string;
  /** Auth headers: every value is a secret of this Upstream, redacted from its messages and logs. */
  headers: Record<string, string>;
  /** The variable(s) to check when the provider rejects the credentials. */
  credentialHint: string;
  /** Pulls the provider's own message out of a parsed error body (each provider has its shapes). */
  errorMessage: (body: unknown) => unknown;
  http: HttpSettings;
}

export interface UpstreamRequest<T> {
  method: 'GET' | 'POST';
  /** Already encoded: every id segment went through encodeURIComponent. */
  path: string;
  /** Already encoded query string, without '?'. */
  query?: string;
  body?: unknown;
  schema: z.ZodType<T>;
  signal?: AbortSignal;
  /** The message for a 404, written for the model (what to try next). */
  notFoundMessage?: string;
}

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
const DEFAULT_RETRY_AFTER_CAP_SECONDS = 10;
const UNDICI_TIMER_SLACK_MS = 1000;
/** A queued attempt with less time than this left is not sent (see gate.ts). */
const MIN_REMAINING_MS = 250;

/**
 * One gate per origin, like the pool it guards: in remote mode with per-request credentials an
 * Upstream lives for one request, and a gate of its own would admit everything. Origins come from
 * configuration or an allow-list, so this map stays small. A 429 pause runs on its clock, so a
 * test clock gets gates of its own.
 */
const gatesByClock = new WeakMap<Clock, Map<string, RequestGate>>();

function gateFor(baseUrl: string, timeoutMs: number, limit: number, clock: Clock): RequestGate {
  const key = `${new URL(baseUrl).origin} ${timeoutMs} ${limit}`;
  let gates = gatesByClock.get(clock);
  if (!gates) {
    gates = new Map();
    gatesByClock.set(clock, gates);
  }
  let gate = gates.get(key);
  if (!gate) {
    gate = new RequestGate(limit, Math.min(MIN_REMAINING_MS, timeoutMs / 10), clock);
    gates.set(key, gate);
  }
  return gate;
}

const connectionsOf = (http: HttpSettings) => http.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class Upstream {
  /**
   * Whatever authenticates a request (each form Secrets knows). Kept here, not process-wide: in
   * remote mode an Upstream may carry one request's keys, which must not outlive it.
   */
  private readonly secrets = new Secrets();
  /** No more requests in flight than the pool has connections (see gate.ts for why). */
  private readonly gate: RequestGate;

  /** Whose requests these are, for the gate's per-tenant lines: a digest of the credentials. */
  private readonly tenant: string;
  private readonly clock: Clock;

  constructor(private readonly options: UpstreamOptions) {
    const { http } = options;
    this.clock = http.clock ?? realClock;
    this.gate = gateFor(options.baseUrl, http.timeoutMs, connectionsOf(http), this.clock);
    this.tenant = fingerprint(options.headers);
    for (const value of Object.values(options.headers)) this.secrets.add(value);
  }

  private log(message: string): void {
    logLine(this.secrets.redact(message));
  }

  get displayName(): string {
    return this.options.displayName;
  }

  async request<T>(req: UpstreamRequest<T>): Promise<T> {
    const { http } = this.options;
    this.checkPath(req.path);
    for (let attempt = 0; ; attempt++) {
      const lastAttempt = attempt >= http.maxRetries;
      let response: RawResponse;
      try {
        // telemetry: a span per attempt, trace context sent upstream (src/telemetry/index.ts)
        const { signal, method } = req;
        const { providerId: provider, baseUrl } = this.options;
        const traced = { request: req, signal, provider, method, baseUrl, retry: attempt };
        response = await telemetry.upstreamAttempt(traced, (trace) => this.attempt(req, trace));
      } catch (error) {
        const failure = this.toToolError(error, req.signal);
        if (failure.code === 'timeout') noteTimeout(req.signal, this.displayName, http.timeoutMs);
        if (lastAttempt || !failure.retryable || failure.code !== 'upstream_error') throw failure;
        const wait = this.backoff(attempt);
        const why = connectionErrorCode(error) ?? 'request failed';
        noteRetry(req.signal, this.displayName, why, wait, attempt + 1, http.maxRetries);
        await this.pause(wait, req.signal);
        continue;
      }
      if (response.status >= 200 && response.status < 300) return this.parse(response, req);
      const failure = this.statusError(response, req);
      if (lastAttempt || !RETRYABLE_STATUSES.has(response.status)) throw failure;
      const retryAfter = parseRetryAfter(header(response.headers, 'retry-after'), this.clock.now());
      const cap = http.retryAfterCapSeconds ?? DEFAULT_RETRY_AFTER_CAP_SECONDS;
      if (retryAfter !== undefined && retryAfter > cap) throw failure;
      // Retry-After only ever lengthens the wait: a 0, negative or past value must not turn the
      // retries into a burst against a provider that is already struggling.
      const wait = Math.max(this.backoff(attempt), (retryAfter ?? 0) * 1000);
      // A 429 is about these credentials at this origin, not this call: every call of theirs
      // waiting for a slot waits with us (other tenants' lines keep moving).
      if (response.status === 429) this.gate.pause(wait, this.tenant);
      noteRetry(req.signal, this.displayName, response.status, wait, attempt + 1, http.maxRetries);
      await this.pause(wait, req.signal);
    }
  }

  /** The wait between attempts; a cancellation during it ends the call as a coded error. */
  private async pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.clock.sleep(ms, signal);
    } catch (error) {
      throw this.toToolError(error, signal);
    }
  }

  /** A dot segment would reach another route (see isDotSegment): refused before anything is sent. */
  private checkPath(path: string): void {
    const dots = path.split('/').find(isDotSegment);
    if (dots === undefined) return;
    throw new ToolError(
      'invalid_argument',
      `"${dots}" cannot be looked up in ${this.options.displayName}: URLs resolve "." and ".." as directories, so the request would reach another address. Use a list filter instead.`,
      { provider: this.options.providerId, retryable: false },
    );
  }

  private backoff(attempt: number): number {
    const { backoffBaseMs = 200, backoffMaxMs = 2000 } = this.options.http;
    return backoffDelayMs(attempt, { baseMs: backoffBaseMs, maxMs: backoffMaxMs });
  }

  /** One HTTP exchange; the body is always read to the end or destroyed. */
  private async attempt(req: UpstreamRequest<unknown>, trace?: TraceHeaders): Promise<RawResponse> {
    const { baseUrl, headers, http } = this.options;
    const deadline = linkedDeadline(req.signal, http.timeoutMs);
    const url = `${baseUrl}${req.path}${req.query ? `?${req.query}` : ''}`;
    const hasBody = req.body !== undefined;
    let release: (() => void) | undefined;
    try {
      // The wait for a slot counts against this attempt's deadline, as undici's queue did.
      release = await this.gate.acquire({ ...deadline, tenant: this.tenant });
      const { request } = await loadUndici();
      const dispatcher = http.dispatcher ?? (await sharedDispatcher(connectionsOf(http)));
      countUpstreamRequest(req.signal);
      const response = await request(url, {
        method: req.method,
        headers: {
          accept: 'application/json',
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          ...trace,
          ...headers,
        },
        body: hasBody ? JSON.stringify(req.body) : undefined,
        signal: deadline.signal,
        dispatcher,
        // Only a backstop: undici runs these on coarse timers (~0.5 s ticks) that can fire before
        // timeoutMs; the deadline above is the precise per-attempt limit.
        headersTimeout: http.timeoutMs + UNDICI_TIMER_SLACK_MS,
        bodyTimeout: http.timeoutMs + UNDICI_TIMER_SLACK_MS,
      });
      const text = await readCapped(response.body, http.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      if (text === undefined) {
        throw new ToolError(
          'upstream_invalid_response',
          `${this.options.displayName} sent a response larger than this server accepts; ask for fewer rows (smaller take) or detail "summary".`,
          { provider: this.options.providerId, httpStatus: response.statusCode },
        );
      }
      return { status: response.statusCode, headers: response.headers, text };
    } finally {
      deadline.clear();
      release?.();
    }
  }

  private parse<T>(response: RawResponse, req: UpstreamRequest<T>): T {
    const json = parseJson(response.text);
    const parsed = json.ok ? req.schema.safeParse(json.value) : undefined;
    if (parsed?.success) return parsed.data;
    const what = json.ok ? 'JSON of an unexpected shape' : 'a body that is not JSON';
    this.log(
      `${this.options.displayName} ${req.method} ${req.path}: ${what}${parsed ? ` (${parsed.error.issues.length} schema issues)` : ''}`,
    );
    throw new ToolError(
      'upstream_invalid_response',
      `${this.options.displayName} answered with ${what}, not the response its API documents. Try again; if it persists, check the base URL.`,
      { provider: this.options.providerId, httpStatus: response.status, retryable: false },
    );
  }

  private statusError(response: RawResponse, req: UpstreamRequest<unknown>): ToolError {
    const { displayName, providerId, credentialHint } = this.options;
    const { status } = response;
    const json = parseJson(response.text);
    // Redacted before it is cut: a key cut at the limit would otherwise leave its prefix behind.
    const raw = json.ok ? this.options.errorMessage(json.value) : undefined;
    const providerMessage = trimProviderMessage(
      typeof raw === 'string' ? this.secrets.redact(raw) : raw,
    );
    const said = providerMessage ? `: ${providerMessage}` : '';
    const details = { provider: providerId, httpStatus: status };
    if (status === 401 || status === 403) {
      return new ToolError(
        'unauthorized',
        `${displayName} rejected the credentials (HTTP ${status}${said}). Check ${credentialHint}.`,
        { ...details, retryable: false },
      );
    }
    if (status === 404) {
      return new ToolError(
        'not_found',
        req.notFoundMessage ?? `${displayName} found nothing at that address (HTTP 404${said}).`,
        { ...details, retryable: false },
      );
    }
    if (status === 429) {
      const retryAfterSeconds = parseRetryAfter(
        header(response.headers, 'retry-after'),
        this.clock.now(),
      );
      return new ToolError(
        'rate_limited',
        `${displayName} is rate limiting requests (HTTP 429${said}). Wait${retryAfterSeconds === undefined ? ' a little' : ` ${retryAfterSeconds} s`} and retry, or narrow the query.`,
        { ...details, retryable: true, retryAfterSeconds },
      );
    }
    const retryable = status >= 500;
    const next = retryable ? 'Try again shortly.' : 'Check the arguments.';
    return new ToolError(
      'upstream_error',
      `${displayName} answered HTTP ${status}${said}. ${next}`,
      { ...details, retryable },
    );
  }

  private toToolError(error: unknown, callerSignal: AbortSignal | undefined): ToolError {
    const { displayName, providerId, http, baseUrl } = this.options;
    if (error instanceof ToolError) return error;
    if (callerSignal?.aborted) {
      return new ToolError('upstream_error', `The request to ${displayName} was cancelled.`, {
        provider: providerId,
        retryable: false,
      });
    }
    if (isTimeout(error)) {
      return new ToolError(
        'timeout',
        `${displayName} did not answer within ${http.timeoutMs} ms. Try again, or narrow the query.`,
        { provider: providerId, retryable: true },
      );
    }
    const code = connectionErrorCode(error);
    if (code) {
      return new ToolError(
        'upstream_error',
        `Could not reach ${displayName} at ${new URL(baseUrl).origin} (${code}). Check the base URL setting, or try again.`,
        { provider: providerId, retryable: true },
      );
    }
    this.log(
      `${displayName} request failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return new ToolError('upstream_error', `The request to ${displayName} failed. Try again.`, {
      provider: providerId,
      retryable: true,
    });
  }
}

/**
 * One controller that aborts on the caller's signal or after `ms` (reason: a TimeoutError).
 * Cheaper per request than AbortSignal.timeout + AbortSignal.any on Node 20, and cleared at once.
 */
function linkedDeadline(caller: AbortSignal | undefined, ms: number) {
  const controller = new AbortController();
  const deadlineAt = Date.now() + ms;
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')),
    ms,
  );
  const onAbort = () => controller.abort(caller?.reason);
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    deadlineAt,
    clear: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

function header(headers: RawResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parseProviderJson(text) };
  } catch {
    return { ok: false };
  }
}

function isTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (current.name === 'TimeoutError') return true;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Reads the body as UTF-8 up to `limit` bytes; past it, destroys the stream and returns undefined. */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  limit: number,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
