/** loadConfig(env, argv): pure parsing of flags and environment (CONTRACT §2). Keys come from env only. */
import { parseArgs } from 'node:util';
import { ConfigError } from './errors.js';
import { type ProviderEntry, providerEnv, type Registry } from './providers/descriptor.js';
import { PROVIDERS } from './providers/registry.js';
import type { ProviderSettings } from './providers/types.js';
import { MIN_SECRET_LENGTH } from './redact.js';
import {
  HTTP_USAGE,
  type HttpServeSettings,
  parseHttpSettings,
} from './transport/http/settings.js';

export type Command = 'serve' | 'doctor' | 'help' | 'version';

export interface Config {
  command: Command;
  /** Serve every provider from the built-in sandbox; real keys are ignored. */
  demo: boolean;
  /** The providers this process knows (the built-in table, or a test's). */
  registry: Registry;
  /** Enabled providers in registry order (empty with --demo: the sandbox supplies them). */
  providers: { entry: ProviderEntry; settings: ProviderSettings }[];
  timeoutMs: number;
  maxRetries: number;
  /** Per upstream origin: the pool's connections and the request gate's slots. */
  maxConnections: number;
  /** Set with `--http`: serve Streamable HTTP instead of stdio. */
  http?: HttpServeSettings;
  /** Start-up warnings about the settings, for stderr (never a key's value). */
  notices: string[];
}

/** The --help text: the provider lines come from the registry. */
export function usageText(registry: Registry): string {
  const names = registry.map((entry) => entry.displayName);
  const listed =
    names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
  const intro = wrap(
    `An MCP server (stdio, or Streamable HTTP with --http) for customer lookups in ${listed}.`,
    90,
  );
  const count = COUNT_WORDS[registry.length] ?? String(registry.length);
  const providerVars = registry.map((entry) => `  ${providerEnv(entry).join(', ')}\n`).join('');
  return `Usage: billing-customers-mcp [--demo] [--http [--host H] [--port N]] [doctor]

${intro}

Commands:
  (none)      serve MCP over stdio (or HTTP with --http)
  doctor      check each configured provider with one cheap read, then exit

Options:
  --demo      serve all ${count} providers from the built-in sandbox (no keys needed)
  --http      serve MCP over HTTP at POST /mcp instead of stdio (see below)
  --host H    with --http: the address to bind (BILLING_MCP_HTTP_HOST)
  --port N    with --http: the port (BILLING_MCP_HTTP_PORT)
  --help      print this text
  --version   print the version

Environment (keys only ever from here, never from flags):
${providerVars}  BILLING_MCP_TIMEOUT_MS (default 15000), BILLING_MCP_MAX_RETRIES (default 2)
  BILLING_MCP_MAX_CONNECTIONS (per provider origin, default 64, 1-1024)
  BILLING_MCP_DEMO=1 (the same as --demo)

${HTTP_USAGE}`;
}

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** Greedy word wrap: lines of at most `width` characters. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) {
      lines[lines.length - 1] = `${last} ${word}`;
    } else lines.push(word);
  }
  return lines.join('\n');
}

export const USAGE = usageText(PROVIDERS);

/** Every provider's required variables, for "nothing is configured" (here and in doctor). */
export const providerEnvList = (registry: Registry) =>
  registry.map((p) => p.requiredEnv.join(' + ')).join(', ');

export function loadConfig(
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
  registry: Registry = PROVIDERS,
): Config {
  const { values, positionals } = parseFlags(argv);
  const command = commandOf(values, positionals);
  const demo = values.demo === true || demoFromEnv(env);
  const timeoutMs = intFromEnv(env, 'BILLING_MCP_TIMEOUT_MS', 15_000, 1, 600_000);
  const maxRetries = intFromEnv(env, 'BILLING_MCP_MAX_RETRIES', 2, 0, 10);
  const maxConnections = intFromEnv(env, 'BILLING_MCP_MAX_CONNECTIONS', 64, 1, 1024);
  if ((values.host !== undefined || values.port !== undefined) && !values.http) {
    throw usageError('--host and --port only apply with --http');
  }
  const http = values.http
    ? parseHttpSettings(env, { host: values.host, port: values.port }, intFromEnv, nonEmpty)
    : undefined;
  const fromHeaders = http?.credentials === 'headers';
  if (fromHeaders && demo) {
    throw new ConfigError(
      '--demo serves the sandbox: it does not combine with BILLING_MCP_HTTP_CREDENTIALS=headers.',
    );
  }
  const providers = demo ? [] : configuredProviders(env, registry);
  if (fromHeaders && providers.length > 0) {
    // One source of provider keys per deployment: a tenant must never fall back to the operator's.
    throw new ConfigError(
      `BILLING_MCP_HTTP_CREDENTIALS=headers takes provider keys from each request: unset ${providers.map((p) => p.entry.secretEnv).join(', ')}.`,
    );
  }
  if (command === 'serve' && !demo && !fromHeaders && providers.length === 0) {
    throw new ConfigError(
      `No billing provider is configured. Set ${providerEnvList(registry)} (any of them), or run with --demo (BILLING_MCP_DEMO=1; the Claude Desktop bundle's Sandbox setting) to try the built-in sandbox.`,
    );
  }
  const notices = noticesFor(env, demo, registry);
  return {
    command,
    demo,
    registry,
    providers,
    timeoutMs,
    maxRetries,
    maxConnections,
    http,
    notices,
  };
}

function noticesFor(env: NodeJS.ProcessEnv, demo: boolean, registry: Registry): string[] {
  const setKeys = registry.map((entry) => entry.secretEnv).filter((name) => nonEmpty(env[name]));
  if (demo) {
    return setKeys.length > 0
      ? ['--demo: ignoring the configured API keys; every provider is served by the sandbox.']
      : [];
  }
  // Redaction skips values this short (they would match ordinary text), so say so rather than
  // let an echoed key through silently. The variable is named; the value never.
  return setKeys
    .filter((name) => (env[name] as string).trim().length < MIN_SECRET_LENGTH)
    .map(
      (name) =>
        `${name} is shorter than ${MIN_SECRET_LENGTH} characters: too short to tell apart from ordinary text, so it is not redacted if a provider echoes it back. Real keys are longer; check the value.`,
    );
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        demo: { type: 'boolean' },
        http: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs' own text goes on to suggest `-- "--bogus"`, which no command here accepts:
    // keep its first sentence ("Unknown option '--bogus'") and give the usage line.
    const message = error instanceof Error ? error.message : String(error);
    throw usageError(message.split(/\.\s/)[0] as string);
  }
}

/** One line: what was wrong, then the usage line (the full text is one `--help` away). */
function usageError(problem: string): ConfigError {
  return new ConfigError(`${problem.replace(/\.$/, '')}. ${USAGE_LINE}; see --help.`);
}

const USAGE_LINE = USAGE.slice(0, USAGE.indexOf('\n'));

/**
 * BILLING_MCP_DEMO=1 (or true) is `--demo` from the environment: the MCPB bundle's "sandbox"
 * setting, since a manifest's args cannot depend on a setting.
 */
function demoFromEnv(env: NodeJS.ProcessEnv): boolean {
  const raw = env.BILLING_MCP_DEMO;
  if (!nonEmpty(raw)) return false;
  const value = raw.trim().toLowerCase();
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  // A short word is quoted ("yes", "on"); anything else may be a key pasted into the wrong field.
  throw new ConfigError(
    `BILLING_MCP_DEMO must be 1, true, 0 or false (got ${shown(raw, /^\s*[a-z0-9]{0,8}\s*$/i)})`,
  );
}

function commandOf(values: { help?: boolean; version?: boolean }, positionals: string[]): Command {
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (positionals.length === 0) return 'serve';
  if (positionals.length === 1 && positionals[0] === 'doctor') return 'doctor';
  throw usageError(`Unknown command: ${positionals.join(' ')}`);
}

function configuredProviders(env: NodeJS.ProcessEnv, registry: Registry): Config['providers'] {
  const enabled: Config['providers'] = [];
  for (const entry of registry) {
    // Off unless its key is set (CONTRACT §2); a stray MAPLE_COMPANY_ID alone changes nothing.
    if (!nonEmpty(env[entry.secretEnv])) continue;
    const set = entry.requiredEnv.filter((name) => nonEmpty(env[name]));
    const missing = entry.requiredEnv.filter((name) => !nonEmpty(env[name]));
    if (missing.length > 0) {
      throw new ConfigError(
        `${entry.displayName}: ${set.join(', ')} is set but ${missing.join(', ')} is not.`,
      );
    }
    const settings: ProviderSettings = {
      baseUrl: normalizeBaseUrl(env[entry.baseUrlEnv], entry),
      apiKey: headerSafeKey(env, entry.secretEnv),
    };
    if (entry.extraSettings.length > 0) {
      settings.extras = Object.fromEntries(
        entry.extraSettings.map((setting) => [setting.key, (env[setting.env] as string).trim()]),
      );
    }
    enabled.push({ entry, settings });
  }
  return enabled;
}

/**
 * A key travels in an HTTP header, which cannot carry a line break, a control character or
 * anything beyond Latin-1 (undici refuses it before sending; a smart quote from a word processor
 * is the usual culprit). Caught here, naming the variable and never the key, rather than as
 * retried `upstream_error`s that blame the base URL.
 */
const NOT_IN_A_HEADER = /[^\t\x20-\x7e\x80-\xff]/;

function headerSafeKey(env: NodeJS.ProcessEnv, name: string): string {
  const key = (env[name] as string).trim();
  if (NOT_IN_A_HEADER.test(key)) {
    throw new ConfigError(
      `${name} contains a character an HTTP header cannot carry (a line break, a control character, or a typographic quote or other non-Latin-1 character): paste the key again as plain text.`,
    );
  }
  return key;
}

/**
 * Blank counts as unset, and so does an unexpanded MCPB placeholder (`${user_config.x}`): some
 * hosts pass it through literally when the user left an optional setting empty.
 */
function nonEmpty(value: string | undefined): value is string {
  return (
    value !== undefined && value.trim() !== '' && !/^\$\{user_config\.[\w.-]+\}$/.test(value.trim())
  );
}

/** Origin (plus any proxy path) + the provider's API prefix; a trailing `/`, the prefix itself, `/v1` or `/api/v1` is tolerated. */
export function normalizeBaseUrl(
  raw: string | undefined,
  entry: Pick<ProviderEntry, 'baseUrlEnv' | 'defaultOrigin' | 'apiPrefix'>,
): string {
  const value = nonEmpty(raw) ? raw.trim() : entry.defaultOrigin;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `${entry.baseUrlEnv} is not a valid URL: expected something like ${entry.defaultOrigin}`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      `${entry.baseUrlEnv} must be an http(s) URL, like ${entry.defaultOrigin}`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(`${entry.baseUrlEnv} must not carry credentials, a query or a fragment`);
  }
  const trimmed = url.pathname.replace(/\/+$/, '');
  let path = trimmed.replace(/\/(api\/)?v1$/, '');
  if (path === trimmed && path.endsWith(entry.apiPrefix))
    path = path.slice(0, -entry.apiPrefix.length);
  return `${url.origin}${path}${entry.apiPrefix}`;
}

function intFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (!nonEmpty(raw)) return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    // Quoted only when it looks like a number attempt: anything else may be a key pasted here.
    const got = shown(raw, /^[\s\d.,_+-]{0,16}[a-z]{0,3}\s*$/i);
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got ${got})`);
  }
  return value;
}

/** A rejected setting's value, quoted only when it matches `harmless`; else just its length. */
function shown(raw: string, harmless: RegExp): string {
  return harmless.test(raw) ? JSON.stringify(raw) : `a value of ${raw.length} characters`;
}
