/**
 * The bin's `--http` path: access control from the settings, the route to the MCP server, the
 * listening server, and a graceful stop on SIGTERM/SIGINT. Loaded lazily: stdio never pays for it.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../errors.js';
import { logLine } from '../../log.js';
import type { Registry } from '../../providers/descriptor.js';
import type { BillingProvider } from '../../providers/types.js';
import { processSecrets, Secrets } from '../../redact.js';
import type { OperatorOptions, ServerFactory } from '../../server.js';
import type { HttpSettings } from '../../upstream/upstream.js';
import { type Authenticator, OPEN, oauthAuth, staticTokenAuth } from './auth.js';
import { identityHeaders } from './cancel.js';
import { grantRoute, TOKENS_FILE_VARIABLE } from './grants.js';
import { namedTokensAuth, parseTokensFile } from './named-tokens.js';
import { type Route, type RunningHttpServer, serveHttp } from './serve.js';
import { type HttpServeSettings, tokenFromFile } from './settings.js';
import { tenantRoute } from './tenants.js';

export interface StartHttpOptions {
  settings: HttpServeSettings;
  /** The operator's server (env keys or --demo); with header credentials each tenant gets its own. */
  server: ServerFactory;
  /** The operator's providers: with grants, each grant set gets a server over its own. */
  providers: readonly BillingProvider[];
  /** Upstream settings for the providers built per tenant (header credentials). */
  http: HttpSettings;
  version: string;
  /** Releases what the bin opened (sandbox, upstream pool) once the server has stopped. */
  onClose: () => Promise<void>;
  /** Masking and the audit log, for the servers built per tenant (header credentials). */
  operator?: OperatorOptions;
  /** The providers this process knows: header credentials and cancellation scoping use them. */
  registry: Registry;
}

export async function startHttp(options: StartHttpOptions): Promise<RunningHttpServer> {
  const { settings, onClose } = options;
  const configured = options.providers.map((p) => p.id);
  const authenticator = await authenticatorFor(settings, configured);
  // Every message a request's server sends is redacted, as over stdio: the environment's keys,
  // and in headers mode the tenant's own (one Secrets per tenant, dropped with it from the LRU).
  const operator: Route = { server: options.server, secrets: [processSecrets] };
  const route =
    settings.credentials === 'headers'
      ? headerCredentialRoute(options)
      : settings.tokensFile || settings.oauth?.providerScopes
        ? grantRoute({
            providers: options.providers,
            version: options.version,
            operator: options.operator,
          })
        : () => operator;
  const running = await serveHttp({
    settings,
    authenticator,
    route,
    answerDeadlineMs: answerDeadlineMs(options.http),
    callerHeaders: identityHeaders(options.registry),
  }).catch((error: unknown) => {
    throw listenError(error, settings) ?? error;
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logLine(
      `${signal}: no new connections; finishing in-flight requests (up to ${settings.shutdownGraceMs} ms)`,
    );
    const { drained } = await running.shutdown(settings.shutdownGraceMs);
    if (!drained) logLine('grace period over: closed the remaining connections');
    await onClose();
    process.exit(0);
  };
  const onTerm = () => void stop('SIGTERM');
  const onInt = () => void stop('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  // A server shut down by its caller (an in-process embedder, a test) leaves no listener behind.
  return {
    ...running,
    shutdown: (graceMs) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      return running.shutdown(graceMs);
    },
  };
}

/** Header-credential mode's route: a tenant per set of credentials, redacted against its keys. */
export function headerCredentialRoute(
  options: Pick<StartHttpOptions, 'settings' | 'http' | 'version' | 'operator' | 'registry'>,
): ReturnType<typeof tenantRoute> {
  return tenantRoute({
    allowedBaseUrls: options.settings.allowedBaseUrls,
    http: options.http,
    version: options.version,
    operator: options.operator,
    registry: options.registry,
    secrets: (tenant) => {
      const secrets = new Secrets();
      for (const key of tenant.keys) secrets.add(key);
      return [processSecrets, secrets];
    },
  });
}

/**
 * A listen failure as a start-up error that says what to change, instead of a raw fatal error:
 * the usual one is a second `--http` instance on the default port 3000.
 */
export function listenError(
  error: unknown,
  settings: Pick<HttpServeSettings, 'host' | 'port'>,
): ConfigError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}`;
  const port = 'choose another port with --port or BILLING_MCP_HTTP_PORT (0 takes any free port)';
  if (code === 'EADDRINUSE')
    return new ConfigError(
      `Cannot listen on ${where}: the port is already in use (another billing-customers-mcp --http?). Stop that process, or ${port}.`,
    );
  if (code === 'EACCES')
    return new ConfigError(
      `Cannot listen on ${where}: permission denied (ports below 1024 need privileges); ${port}.`,
    );
  if (code === 'EADDRNOTAVAIL')
    return new ConfigError(
      `Cannot listen on ${where}: no such address on this machine; check --host or BILLING_MCP_HTTP_HOST.`,
    );
  return undefined;
}

async function authenticatorFor(
  settings: HttpServeSettings,
  configured: readonly string[],
): Promise<Authenticator> {
  let single = settings.token;
  if (settings.tokenFile) {
    single = tokenFromFile(await readSetting(settings.tokenFile, 'BILLING_MCP_HTTP_TOKEN_FILE'));
    processSecrets.add(single);
  }
  if (settings.tokensFile) {
    const content = await readSetting(settings.tokensFile, TOKENS_FILE_VARIABLE);
    return namedTokensAuth(parseTokensFile(content, configured), single);
  }
  if (single) return staticTokenAuth(single);
  if (settings.oauth) return oauthAuth(settings.oauth, fetch, configured);
  return OPEN;
}

async function readSetting(path: string, variable: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

/**
 * A little above the longest a tool call can take: every attempt timing out, each retry after
 * the longest wait honoured (Retry-After up to its cap, or the backoff), plus a margin.
 */
export function answerDeadlineMs(http: HttpSettings): number {
  const waitMs = Math.max((http.retryAfterCapSeconds ?? 10) * 1000, http.backoffMaxMs ?? 0);
  return http.timeoutMs * (http.maxRetries + 1) + waitMs * http.maxRetries + 5000;
}
