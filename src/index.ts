#!/usr/bin/env node
/** The bin: config → providers → server → a transport (src/transport/). Everything else lives in modules without I/O. */
import { type Config, loadConfig, USAGE } from './config.js';
import { ConfigError } from './errors.js';
import { logLine, registerSecret } from './log.js';
import { PROVIDERS } from './providers/registry.js';
import { createServer, serverFactory } from './server.js';
import { serveStdio } from './transport/stdio.js';
import { destroySharedDispatcher } from './upstream/undici.js';
import type { HttpSettings } from './upstream/upstream.js';
import { VERSION } from './version.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, process.argv.slice(2));
  if (config.command === 'help') return void process.stdout.write(USAGE);
  if (config.command === 'version') return void process.stdout.write(`${VERSION}\n`);
  for (const entry of PROVIDERS) registerSecret(process.env[entry.secretEnv]);

  // Every upstream shares one keep-alive pool, created on the first request (src/upstream/undici.ts).
  const http: HttpSettings = { timeoutMs: config.timeoutMs, maxRetries: config.maxRetries };
  const { providers, closeSandbox } = await buildProviders(config, http);

  if (config.command === 'doctor') {
    const { runDoctor } = await import('./doctor.js');
    process.exitCode = await runDoctor(providers, config, process.stdout);
    await Promise.all([closeSandbox(), destroySharedDispatcher()]);
    return;
  }

  const serverOptions = { providers: providers.map((p) => p.provider), version: VERSION };
  const onClose = async () => {
    await Promise.all([closeSandbox(), destroySharedDispatcher()]);
  };
  const names = providers.map((p) => p.provider.id).join(', ');
  const source = config.demo ? ' from the built-in sandbox (--demo)' : '';
  if (config.http) {
    // stdin is not the protocol here (service managers hand it /dev/null): never read it.
    const { startHttp } = await import('./transport/http/start.js');
    const running = await startHttp({
      settings: config.http,
      server: serverFactory(serverOptions),
      http,
      version: VERSION,
      onClose,
    });
    const served =
      config.http.credentials === 'headers'
        ? 'the providers each request names in its headers'
        : names;
    logLine(`v${VERSION} serving ${served}${source} over HTTP at ${running.url}`);
    return;
  }
  await serveStdio(createServer(serverOptions), onClose);
  logLine(`v${VERSION} serving ${names}${source} over stdio`);
}

async function buildProviders(config: Config, http: HttpSettings) {
  if (!config.demo) {
    const providers = config.providers.map(({ entry, settings }) => ({
      provider: entry.create(settings, http),
      baseUrl: settings.baseUrl,
    }));
    return { providers, closeSandbox: async () => undefined };
  }
  if (PROVIDERS.some((entry) => process.env[entry.secretEnv])) {
    logLine('--demo: ignoring the configured API keys; every provider is served by the sandbox.');
  }
  const { startSandbox } = await import('./sandbox/index.js');
  const sandbox = await startSandbox();
  const providers = PROVIDERS.map((entry) => ({
    provider: entry.create(sandbox.settings[entry.id], http),
    baseUrl: sandbox.settings[entry.id].baseUrl,
  }));
  return { providers, closeSandbox: () => sandbox.close() };
}

// A bug must never take the server down mid-session: log it (stderr) and keep serving.
process.on('unhandledRejection', (reason) => logLine(`unhandled rejection: ${String(reason)}`));
process.on('uncaughtException', (error) =>
  logLine(`uncaught exception: ${error.stack ?? error.message}`),
);

main().catch((error: unknown) => {
  logLine(error instanceof ConfigError ? error.message : `fatal: ${String(error)}`);
  process.exit(1);
});
