/** `doctor`: one cheap read per configured provider, a table of what works, and a config to paste. */
import type { Config } from './config.js';
import { ToolError } from './errors.js';
import { PROVIDERS } from './providers/registry.js';
import type { BillingProvider } from './providers/types.js';

export interface DoctorTarget {
  provider: BillingProvider;
  baseUrl: string;
}

interface Row {
  provider: string;
  baseUrl: string;
  ok: boolean;
  outcome: string;
}

const FIXES: Record<string, string> = {
  unauthorized: 'check the API key (and MAPLE_COMPANY_ID for Maple)',
  not_found: 'check the base URL: nothing answers at that path',
  timeout: 'check the base URL and the network, or raise BILLING_MCP_TIMEOUT_MS',
  upstream_error: 'check the base URL and the network',
  upstream_invalid_response: 'the base URL does not point at this provider’s API',
  rate_limited: 'wait and run doctor again',
};

async function check(target: DoctorTarget): Promise<Row> {
  const row = { provider: target.provider.id, baseUrl: target.baseUrl };
  try {
    await target.provider.listCustomers({ filters: {}, skip: 0, take: 1, resume: null }, {});
    return { ...row, ok: true, outcome: 'ok' };
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    return { ...row, ok: false, outcome: `${error.code}: ${FIXES[error.code] ?? error.message}` };
  }
}

export async function runDoctor(
  targets: readonly DoctorTarget[],
  config: Config,
  out: NodeJS.WritableStream,
): Promise<number> {
  const rows = await Promise.all(targets.map(check));
  const width = Math.max(8, ...rows.map((r) => r.baseUrl.length));
  out.write(`${'provider'.padEnd(10)} ${'base URL'.padEnd(width)} result\n`);
  for (const r of rows)
    out.write(`${r.provider.padEnd(10)} ${r.baseUrl.padEnd(width)} ${r.outcome}\n`);
  const working = rows.filter((r) => r.ok).map((r) => r.provider);
  if (working.length > 0)
    out.write(
      `\nClaude Desktop config for the working providers:\n${desktopConfig(working, config)}\n`,
    );
  return rows.every((r) => r.ok) ? 0 : 1;
}

/** Keys are placeholders: doctor never prints a key. */
function desktopConfig(working: readonly string[], config: Config): string {
  const env: Record<string, string> = {};
  for (const entry of PROVIDERS.filter((p) => working.includes(p.id))) {
    for (const name of entry.requiredEnv)
      env[name] = name === entry.secretEnv ? '<your key>' : '<value>';
    const configured = config.providers.find((p) => p.entry.id === entry.id);
    if (configured && !configured.settings.baseUrl.startsWith(entry.defaultOrigin)) {
      env[entry.baseUrlEnv] = configured.settings.baseUrl;
    }
  }
  const args = config.demo
    ? ['-y', 'billing-customers-mcp', '--demo']
    : ['-y', 'billing-customers-mcp'];
  const server = config.demo ? { command: 'npx', args } : { command: 'npx', args, env };
  return JSON.stringify({ mcpServers: { 'billing-customers': server } }, null, 2);
}
