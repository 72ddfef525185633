/** The README as a newcomer reads it: sections, code blocks, commands and the configs it shows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROVIDERS } from '../../src/providers/registry.js';
import { ROOT } from './run.js';

export const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text of `## title` up to the next `## ` heading, or null when there is none. */
export function section(title: string): string | null {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start === -1) return null;
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

export function codeBlocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1] as string,
  );
}

/** Shell commands of a block, with `\` line continuations joined and comments dropped. */
export function shellCommands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Words of a README shell command (quotes stripped; `$VAR` kept as written). */
export function words(command: string): string[] {
  return [...command.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((m) => m[0].replace(/"/g, ''));
}

export const KEY_VARS = PROVIDERS.flatMap((p) => p.requiredEnv);
export const CONFIG_VARS = [
  ...PROVIDERS.flatMap((p) => [...p.requiredEnv, p.baseUrlEnv]),
  'BILLING_MCP_TIMEOUT_MS',
  'BILLING_MCP_MAX_RETRIES',
  'BILLING_MCP_MAX_CONNECTIONS',
  'BILLING_MCP_DEMO',
];
/** Where the configs point: the clone's bundled bin (README, Install). */
export const UNIX_PATH = '/absolute/path/to/billing-customers-mcp/dist/index.js';
export const WINDOWS_PATH = 'C:\\path\\to\\billing-customers-mcp\\dist\\index.js';

/**
 * `claude mcp add` as Claude Code parses it (commander): `-e`/`--env` is variadic, so it takes
 * every following word up to the next option or `--`; the first other word is the name.
 */
export function parseClaudeMcpAdd(args: readonly string[]) {
  const env: Record<string, string> = {};
  const options: string[] = [];
  let name: string | undefined;
  let i = 0;
  for (; i < args.length && args[i] !== '--'; i++) {
    const word = args[i] as string;
    if (word === '-e' || word === '--env') {
      while (i + 1 < args.length && !(args[i + 1] as string).startsWith('-')) {
        const value = args[++i] as string;
        const eq = value.indexOf('=');
        if (eq < 1) throw new Error(`Invalid environment variable format: ${value}`);
        env[value.slice(0, eq)] = value.slice(eq + 1);
      }
    } else if (word.startsWith('-')) {
      options.push(word);
      if (['--scope', '-s', '--transport', '-t'].includes(word)) options.push(args[++i] as string);
    } else if (name === undefined) name = word;
    else throw new Error(`unexpected argument ${word}`);
  }
  if (name === undefined) throw new Error('missing server name');
  return { name, env, options, command: args.slice(i + 1) };
}
