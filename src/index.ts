#!/usr/bin/env node
/** The server (the bin's entry, bin.ts, loads it after the Node version check): config → providers → server → a transport (src/transport/). Everything else lives in modules without I/O. */
import { realpathSync } from 'node:fs';
import { auditLogFromEnv } from './audit.js';
import { type Config, loadConfig, USAGE } from './config.js';
import { ConfigError } from './errors.js';
import { logLine } from './log.js';
import { MASK_VARIABLE, parseMask } from './mask.js';
import { PROVIDERS } from './providers/registry.js';
import { processSecrets } from './redact.js';
import { SERVER_NAME, serverFactory } from './server.js';
import { startTelemetry, telemetry } from './telemetry/index.js';
import { serveStdio } from './transport/stdio.js';
import { destroySharedDispatcher } from './upstream/undici.js';
import type { HttpSettings } from './upstream/upstream.js';
import { warmUpUpstream } from './upstream/warm-up.js';
import { VERSION } from './version.js';

async function main(): Promise<void> {
  // Keys are registered before anything can be printed: a config error that quotes a value (a key
  // pasted into BILLING_MCP_TIMEOUT_MS by mistake) goes through logLine's redaction.
  const registry = PROVIDERS;
  for (const entry of registry) processSecrets.add(process.env[entry.secretEnv]);
  processSecrets.add(process.env.BILLING_MCP_HTTP_TOKEN);
  const config = loadConfig(process.env, process.argv.slice(2), registry);
  if (config.command === 'help') return void process.stdout.write(USAGE);
  if (config.command === 'version') return void process.stdout.write(`${VERSION}\n`);
  // Operator settings for every server and tenant: start-up errors, like the rest of the config.
  const operator = {
    mask: parseMask(process.env[MASK_VARIABLE]),
    audit: auditLogFromEnv(process.env),
  };
  // Loads the HTTP client while the client initializes and lists tools (src/upstream/warm-up.ts).
  void warmUpUpstream();
  for (const notice of config.notices) logLine(notice);

  // Every upstream shares one keep-alive pool, created on the first request (src/upstream/undici.ts).
  const { timeoutMs, maxRetries, maxConnections } = config;
  const http: HttpSettings = { timeoutMs, maxRetries, maxConnections };
  const { providers, closeSandbox } = await buildProviders(config, http);

  if (config.command === 'doctor') {
    const { runDoctor } = await import('./doctor.js');
    const launch = { command: process.execPath, script: realpathSync(process.argv[1] as string) };
    process.exitCode = await runDoctor(providers, config, process.stdout, launch);
    await Promise.all([closeSandbox(), destroySharedDispatcher()]);
    return;
  }

  // telemetry: loaded only when OTEL_* configures it; flushed on the way out (onClose).
  await startTelemetry(process.env, SERVER_NAME, VERSION);
  const serverOptions = {
    providers: providers.map((p) => p.provider),
    version: VERSION,
    ...operator,
  };
  const onClose = async () => {
    await Promise.all([
      closeSandbox(),
      destroySharedDispatcher(),
      telemetry.shutdown(),
      operator.audit?.flush(),
    ]);
  };
  const names = providers.map((p) => p.provider.id).join(', ');
  const source = config.demo ? ' from the built-in sandbox (--demo)' : '';
  if (config.http) {
    // stdin is not the protocol here (service managers hand it /dev/null): never read it.
    const { startHttp } = await import('./transport/http/start.js');
    const running = await startHttp({
      settings: config.http,
      server: serverFactory(serverOptions),
      providers: serverOptions.providers,
      http,
      version: VERSION,
      onClose,
      operator,
      registry: config.registry,
    });
    const served =
      config.http.credentials === 'headers'
        ? 'the providers each request names in its headers'
        : names;
    logLine(`v${VERSION} serving ${served}${source} over HTTP at ${running.url}`);
    return;
  }
  // The start-up line also goes to the client as an MCP log message at info (stderr may be hidden).
  const startupMessage = `v${VERSION} serving ${names}${source} over stdio`;
  await serveStdio(serverFactory({ ...serverOptions, startupMessage }), onClose, maxConnections);
  logLine(startupMessage);
}

async function buildProviders(config: Config, http: HttpSettings) {
  if (!config.demo) {
    const providers = config.providers.map(({ entry, settings }) => ({
      provider: entry.create(settings, http),
      baseUrl: settings.baseUrl,
    }));
    return { providers, closeSandbox: async () => undefined };
  }
  const { startSandbox } = await import('./sandbox/index.js');
  // Nobody reads the emulators' request log in --demo: kept, it would grow with every request.
  const sandbox = await startSandbox({ logRequests: false, registry: config.registry });
  const providers = sandbox.configured.map(({ entry, settings }) => ({
    provider: entry.create(settings, http),
    baseUrl: settings.baseUrl,
  }));
  return { providers, closeSandbox: () => sandbox.close() };
}

/*
 * CONTRACT §6. A reader that went away (`doctor | head -1`, a client that closed our stdout) is not
 * an error: end quietly. Anything else unexpected leaves the process in an unknown state (Node
 * documents resuming after 'uncaughtException' as unsafe): log it, redacted, and exit non-zero.
 */
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
  fatal('stdout failed', error);
});
// With stderr gone there is nowhere left to report anything.
process.stderr.on('error', () => undefined);
process.on('uncaughtException', (error) => fatal('uncaught exception', error));
process.on('unhandledRejection', (reason) => fatal('unhandled rejection', reason));

function fatal(what: string, error: unknown): never {
  logLine(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}

main().catch((error: unknown) => {
  logLine(error instanceof ConfigError ? error.message : `fatal: ${String(error)}`);
  process.exit(1);
});
