#!/usr/bin/env node
/** The bin: config → providers → server → a transport (src/transport/). Everything else lives in modules without I/O. */
import { realpathSync } from 'node:fs';
import { type Config, loadConfig, USAGE } from './config.js';
import { ConfigError } from './errors.js';
import { logLine, registerSecret } from './log.js';
import { PROVIDERS } from './providers/registry.js';
import { createServer } from './server.js';
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
    const launch = { command: process.execPath, script: realpathSync(process.argv[1] as string) };
    process.exitCode = await runDoctor(providers, config, process.stdout, launch);
    await Promise.all([closeSandbox(), destroySharedDispatcher()]);
    return;
  }

  const names = providers.map((p) => p.provider.id).join(', ');
  const startup = `v${VERSION} serving ${names}${config.demo ? ' from the built-in sandbox (--demo)' : ''} over stdio`;
  const server = createServer({
    providers: providers.map((p) => p.provider),
    version: VERSION,
    startupMessage: startup,
  });
  await serveStdio(server, async () => {
    await Promise.all([closeSandbox(), destroySharedDispatcher()]);
  });
  logLine(startup);
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
