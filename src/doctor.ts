/**
 * `doctor`: one cheap read per configured provider, a table of what works with the fix for what
 * does not, and a Claude Desktop config to paste for the providers that work. It does not speak
 * MCP, so it writes to the stream it is given; every line is redacted against the environment's keys.
 */
import { type Config, providerEnvList } from './config.js';
import { ToolError } from './errors.js';
import type { ProviderEntry } from './providers/descriptor.js';
import type { BillingProvider } from './providers/types.js';
import { processSecrets } from './redact.js';

export interface DoctorTarget {
  provider: BillingProvider;
  baseUrl: string;
}

interface Row {
  entry: ProviderEntry;
  baseUrl: string;
  /** null when the read worked. */
  failure: { code: string; message: string; fix: string } | null;
}

/** What to change, per error code, named by the variables the user actually sets. */
function fixFor(code: string, entry: ProviderEntry): string {
  const url = entry.baseUrlEnv;
  // Variables besides the key that scope the path (Maple's company id): a wrong one looks like a 404.
  const scope = entry.requiredEnv.filter((name) => name !== entry.secretEnv);
  switch (code) {
    case 'unauthorized':
      return `check ${entry.requiredEnv.join(' and ')}: a current key, without quotes or spaces, issued for the API that ${url} points at.`;
    case 'not_found':
      return `check ${[...scope, url].join(' and ')}: ${url} should be the API origin, like ${entry.defaultOrigin}.`;
    case 'upstream_invalid_response':
      return `the answer is not ${entry.displayName}'s API: check ${url} (default ${entry.defaultOrigin}).`;
    case 'timeout':
      return `check ${url} and the network, or raise BILLING_MCP_TIMEOUT_MS.`;
    case 'rate_limited':
      return 'the credentials work but the provider is rate limiting: wait, then run doctor again.';
    case 'upstream_error':
      return `check ${url}, the network and the provider's status page.`;
    default:
      return 'this is a bug in billing-customers-mcp: please report it with this output.';
  }
}

async function check(target: DoctorTarget, entry: ProviderEntry): Promise<Row> {
  const row = { entry, baseUrl: target.baseUrl };
  try {
    await (entry.doctorProbe ?? onePage)(target.provider);
    return { ...row, failure: null };
  } catch (error) {
    const code = error instanceof ToolError ? error.code : 'internal_error';
    const message = error instanceof Error ? error.message : String(error);
    return { ...row, failure: { code, message, fix: fixFor(code, entry) } };
  }
}

/** The default probe: the first row of the list, with the filter schema's defaults (no filters). */
async function onePage(provider: BillingProvider): Promise<void> {
  const parsed = provider.listFilters.safeParse({});
  const filters = parsed.success ? parsed.data : {};
  await provider.listCustomers({ filters, skip: 0, take: 1, resume: null }, {});
}

/**
 * How the pasted config starts the server: this Node and this copy of the bin, by absolute path
 * (the package is not on npm, so `npx billing-customers-mcp` would run whatever someone else
 * published under that name). Absolute paths work the same on Windows: no `cmd /c` needed.
 */
export interface Launch {
  command: string;
  script: string;
}

export async function runDoctor(
  targets: readonly DoctorTarget[],
  config: Config,
  out: NodeJS.WritableStream,
  launch: Launch,
): Promise<number> {
  const print = (text = '') => out.write(`${processSecrets.redact(text)}\n`);
  if (targets.length === 0) {
    print(
      `No provider is configured. Set ${providerEnvList(config.registry)} (any of them), or try: billing-customers-mcp --demo doctor`,
    );
    return 1;
  }
  const entryOf = (id: string) => {
    const entry = config.registry.find((p) => p.id === id);
    if (!entry) throw new Error(`doctor: provider ${id} is not in the registry`);
    return entry;
  };
  const rows = await Promise.all(targets.map((t) => check(t, entryOf(t.provider.id))));
  if (config.demo) print('Checking the built-in sandbox (--demo): no keys are used.\n');
  printTable(rows, print);
  const failed = rows.filter((r) => r.failure !== null);
  for (const { entry, failure } of failed) {
    print(`\n${entry.id}: ${failure?.code}: ${failure?.message}\n  fix: ${failure?.fix}`);
  }
  const working = rows.filter((r) => r.failure === null).map((r) => r.entry);
  if (working.length > 0) {
    print(
      `\nClaude Desktop (claude_desktop_config.json) for ${working.map((e) => e.id).join(', ')}, starting this copy of the server:`,
    );
    print(desktopConfig(working, config, launch));
    if (!config.demo) print('\nReplace each <your …> with the key: doctor never prints keys.');
  }
  return failed.length === 0 ? 0 : 1;
}

function printTable(rows: readonly Row[], print: (text: string) => void): void {
  const width = Math.max('base URL'.length, ...rows.map((r) => r.baseUrl.length));
  print(`${'provider'.padEnd(10)} ${'base URL'.padEnd(width)} result`);
  for (const r of rows) {
    print(
      `${r.entry.id.padEnd(10)} ${r.baseUrl.padEnd(width)} ${r.failure ? `FAILED ${r.failure.code}` : 'ok'}`,
    );
  }
}

/** An env-only config (keys never in args, CONTRACT §2); keys are placeholders, other values real. */
function desktopConfig(working: readonly ProviderEntry[], config: Config, launch: Launch) {
  const env: Record<string, string> = {};
  for (const entry of working) {
    const configured = config.providers.find((p) => p.entry.id === entry.id)?.settings;
    for (const name of entry.requiredEnv) env[name] = `<your ${name}>`;
    // Extra settings (Maple's company id) are not secrets: pasting them saves a trip to the
    // provider's settings page.
    for (const setting of entry.extraSettings) {
      const value = configured?.extras?.[setting.key];
      if (value) env[setting.env] = value;
    }
    // Only a non-default base URL is worth carrying over (e.g. Flexprice's India region).
    if (configured && configured.baseUrl !== `${entry.defaultOrigin}${entry.apiPrefix}`) {
      env[entry.baseUrlEnv] = configured.baseUrl.slice(0, -entry.apiPrefix.length);
    }
  }
  const args = [launch.script, ...(config.demo ? ['--demo'] : [])];
  const server = { command: launch.command, args, ...(config.demo ? {} : { env }) };
  return JSON.stringify({ mcpServers: { 'billing-customers': server } }, null, 2);
}
