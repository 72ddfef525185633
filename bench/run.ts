/**
 * `npm run bench`: billing-customers-mcp side by side with its physical limits on this machine
 * (node -e 0, a minimal SDK reference server, a raw undici request), every target a ratio taken in
 * the same run. Prints a table and writes bench/results/latest.json. `--strict`: exit 1 on a miss.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bench, resolvePaths } from './lib/context.js';
import { EmulatorHost } from './lib/host.js';
import { cpuBusy, QUIET_BUSY_MAX } from './lib/machine.js';
import { renderMarkdown, renderTable, writeResults } from './lib/report.js';
import { type Build, v1Build } from './lib/v1-build.js';
import { measureBurst } from './sections/burst.js';
import { measureColdStart } from './sections/cold-start.js';
import { measureFind } from './sections/find.js';
import { measureGrants } from './sections/grants.js';
import { measureHardening } from './sections/hardening.js';
import { measureHttp } from './sections/http.js';
import { measureCalls } from './sections/latency.js';
import { measurePaging } from './sections/paging.js';
import { measureRedaction } from './sections/redaction.js';
import { measureSizes } from './sections/sizes.js';
import { measureTelemetry } from './sections/telemetry.js';
import { discoverAndMeasureTokens } from './sections/tokens.js';
import { measureVersusV1 } from './sections/versus-v1.js';

// Compiled to bench/.build/bench/run.js.
const buildRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(buildRoot, '..', '..');

function gitCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repo,
      encoding: 'utf8',
    });
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: repo,
      encoding: 'utf8',
    });
    return `${head.trim()}${dirty.trim() ? ' (src/ modified)' : ''}`;
  } catch {
    return null;
  }
}

/** `--section redaction`: that section alone, in this process (no server, no emulators). */
async function redactionOnly(): Promise<void> {
  const b = bench(resolvePaths(repo, buildRoot), undefined as unknown as EmulatorHost);
  await measureRedaction(b);
  console.log(renderTable(b.rows));
  for (const row of b.rows.filter((r) => r.note)) console.log(`  ${row.metric}: ${row.note}`);
  console.log(`\n${renderMarkdown(b.rows)}`);
  if (process.argv.includes('--strict') && b.rows.some((r) => r.met === false))
    process.exitCode = 1;
}

async function main(): Promise<void> {
  const section = process.argv.indexOf('--section');
  if (section !== -1 && process.argv[section + 1] === 'redaction') return redactionOnly();
  const started = performance.now();
  const paths = resolvePaths(repo, buildRoot);
  if (!existsSync(paths.serverEntry))
    throw new Error(`${paths.serverEntry} missing: run npm run build`);
  const loadBefore = os.loadavg();
  const busyBefore = await cpuBusy();
  const host = await EmulatorHost.start(paths.emulatorHostEntry);
  const b = bench(paths, host);
  const step = async (name: string, run: () => Promise<void>) => {
    const t = performance.now();
    process.stderr.write(`bench: ${name}…`);
    await run();
    process.stderr.write(` ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  };
  // The v1 build (the last commit before SDK v2), built once per commit under the temp dir.
  let built: Build | undefined;
  const v1 = () => {
    built ??= v1Build(repo);
    return built;
  };
  // `--only <name>`: one section (as an issue asks for a single figure); results are printed,
  // not written over bench/results/latest.json. Sections that call tools on discovered customers
  // get the tokens section run first (its rows dropped).
  const sections: [string, string, () => Promise<void>, 'needs customers'?][] = [
    ['tokens', 'tools/list, pages and customer sizes', () => discoverAndMeasureTokens(b)],
    ['find', 'find_customers and default pages', () => measureFind(b)],
    ['cold-start', 'cold start', () => measureColdStart(b, v1()), 'needs customers'],
    ['versus-v1', 'calls against the v1 build', () => measureVersusV1(b, v1()), 'needs customers'],
    ['sizes', 'dist/ and MCPB sizes', async () => measureSizes(b, v1())],
    ['hardening', 'hardening figures, before and after', () => measureHardening(b, v1())],
    ['latency', 'latency, throughput, memory', () => measureCalls(b), 'needs customers'],
    ['paging', 'maple paging', () => measurePaging(b)],
    ['http', 'remote mode (HTTP)', () => measureHttp(b), 'needs customers'],
    ['grants', 'per-provider access (HTTP)', () => measureGrants(b)],
    ['burst', 'burst against a 200 ms upstream, first call', () => measureBurst(b)],
    ['redaction', 'redaction', () => measureRedaction(b)],
    ['telemetry', 'telemetry off and on', () => measureTelemetry(b)],
  ];
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
  if (only !== undefined && !sections.some(([name]) => name === only))
    throw new Error(`--only: no section ${only} (${sections.map(([name]) => name).join(', ')})`);
  try {
    if (sections.some(([name, , , needs]) => name === only && needs)) {
      await step('customers to call (tokens section, rows dropped)', () =>
        discoverAndMeasureTokens(b),
      );
      b.rows.length = 0;
    }
    for (const [name, label, run] of sections) {
      if (only === undefined || name === only) await step(label, run);
    }
  } finally {
    host.close();
  }
  const loadAfter = os.loadavg();
  const seconds = (performance.now() - started) / 1000;
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    loadavgBefore: loadBefore,
    loadavgAfter: loadAfter,
    /** Share of all CPUs busy (others) during 2 s before the bench started. */
    cpuBusyBefore: busyBefore,
    /** Share of all CPUs busy during 2 s right after it finished. */
    cpuBusyAfter: await cpuBusy(),
    quiet: busyBefore !== null && busyBefore < QUIET_BUSY_MAX,
  };
  if (only !== undefined) {
    console.log(renderTable(b.rows));
    for (const row of b.rows.filter((r) => r.note)) console.log(`  ${row.metric}: ${row.note}`);
    return;
  }
  const file = writeResults(
    paths.results,
    {
      at: new Date().toISOString(),
      commit: gitCommit(),
      seconds,
      machine,
      rows: b.rows,
      facts: b.facts,
    },
    renderMarkdown(b.rows),
  );
  console.log(renderTable(b.rows));
  for (const row of b.rows.filter((r) => r.note)) console.log(`  ${row.metric}: ${row.note}`);
  const missed = b.rows.filter((row) => row.met === false);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const pct = (x: number | null) => (x === null ? '?' : `${Math.round(x * 100)}%`);
  console.log(
    `\n${b.rows.filter((r) => r.met === true).length} targets met, ${missed.length} missed` +
      ` · ${seconds.toFixed(0)} s · node ${process.version} · ${machine.cpus} cpus` +
      ` · load ${load(loadBefore)} → ${load(loadAfter)}` +
      ` · CPU busy before ${pct(machine.cpuBusyBefore)}, after ${pct(machine.cpuBusyAfter)}` +
      `${machine.quiet ? ' (quiet)' : ' (machine busy: noisy figures)'}` +
      `\nresults: ${file}`,
  );
  if (process.argv.includes('--strict') && missed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
