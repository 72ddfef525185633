/**
 * What is shipped, before (the v1 build) and after: the bytes of dist/ (all of it, and without
 * source maps, which neither npm nor the MCPB ships) and of the MCPB that scripts/bundle.sh packs
 * (its last line names the bytes). Info rows: the figures the release notes quote.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from '../lib/context.js';
import { ratioRow } from '../lib/report.js';
import type { Build } from '../lib/v1-build.js';

interface Sizes {
  dist: number;
  distWithoutMaps: number;
  mcpb: number;
}

export function measureSizes(b: Bench, v1: Build): void {
  const before = sizesOf(v1.dir);
  const after = sizesOf(b.paths.repo);
  b.facts.sizes = { before, after };
  const section = 'sizes';
  const kb = (metric: string, value: number) => ({
    section,
    metric,
    value: value / 1024,
    unit: 'KiB',
  });
  const baseline = (value: number) => ({ label: `v1 build ${v1.commit}`, value: value / 1024 });
  b.rows.push(
    ratioRow(kb('dist/, all files', after.dist), baseline(before.dist)),
    ratioRow(
      kb('dist/ without source maps', after.distWithoutMaps),
      baseline(before.distWithoutMaps),
    ),
    ratioRow(kb('MCPB (scripts/bundle.sh)', after.mcpb), baseline(before.mcpb)),
  );
}

function sizesOf(dir: string): Sizes {
  // bundle.sh builds dist/ first, so both figures describe the same build.
  const out = execFileSync('bash', ['scripts/bundle.sh'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const bytes = /\.mcpb: (\d+) bytes/.exec(out)?.[1];
  if (bytes === undefined) throw new Error(`scripts/bundle.sh in ${dir} named no size`);
  const files = readdirSync(join(dir, 'dist'), { recursive: true, encoding: 'utf8' })
    .map((name) => ({ name, size: statSync(join(dir, 'dist', name)).size }))
    .filter((file) => statSync(join(dir, 'dist', file.name)).isFile());
  const total = (list: typeof files) => list.reduce((sum, file) => sum + file.size, 0);
  return {
    dist: total(files),
    distWithoutMaps: total(files.filter((file) => !file.name.endsWith('.map'))),
    mcpb: Number(bytes),
  };
}
