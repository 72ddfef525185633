/** Result rows, the printed table and the JSON file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Row {
  section: string;
  metric: string;
  value: number | null;
  unit: string;
  /** What the value is compared against, measured in the same run. */
  baseline?: { label: string; value: number };
  /** value / baseline.value (or the value itself for absolute targets). */
  ratio?: number;
  /** Human-readable target, e.g. '≤ 3×' or '≤ 8000'. */
  target?: string;
  /** null: informational, or not measurable in this run (see note). */
  met: boolean | null;
  note?: string;
}

export function ratioRow(
  base: Omit<Row, 'ratio' | 'met' | 'baseline'>,
  baseline: { label: string; value: number },
  check?: { max?: number; min?: number },
): Row {
  const ratio = base.value === null ? Number.NaN : base.value / baseline.value;
  const target = check ? describe(check, '×') : undefined;
  const met = check && Number.isFinite(ratio) ? within(ratio, check) : null;
  return { ...base, baseline, ratio, target, met };
}

export function absoluteRow(
  base: Omit<Row, 'met' | 'target'>,
  check?: { max?: number; min?: number },
): Row {
  const target = check ? describe(check, '') : undefined;
  const met = check && base.value !== null ? within(base.value, check) : null;
  return { ...base, target, met };
}

function within(value: number, check: { max?: number; min?: number }): boolean {
  return (
    (check.max === undefined || value <= check.max) &&
    (check.min === undefined || value >= check.min)
  );
}

function describe(check: { max?: number; min?: number }, suffix: string): string {
  if (check.max !== undefined && check.min !== undefined) {
    return check.max === check.min
      ? `= ${check.max}${suffix}`
      : `${check.min}–${check.max}${suffix}`;
  }
  return check.max !== undefined ? `≤ ${check.max}${suffix}` : `≥ ${check.min}${suffix}`;
}

function fmt(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const digits =
    Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

const HEADER = ['section', 'metric', 'ours', 'baseline', 'ratio', 'target', 'met'];

function cells(rows: readonly Row[]): string[][] {
  return rows.map((row) => [
    row.section,
    row.metric,
    fmt(row.value, row.unit),
    row.baseline ? `${fmt(row.baseline.value, row.unit)} (${row.baseline.label})` : '',
    row.ratio === undefined ? '' : `${fmt(row.ratio)}×`,
    row.target ?? '',
    row.met === null ? (row.target ? 'n/a' : 'info') : row.met ? 'yes' : 'NO',
  ]);
}

/** The same table as Markdown, for the README's Performance section. */
export function renderMarkdown(rows: readonly Row[]): string {
  const line = (c: string[]) => `| ${c.map((x) => x.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...cells(rows).map(line)].join('\n');
}

export function renderTable(rows: readonly Row[]): string {
  const header = HEADER;
  const lines = cells(rows);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [render(header), rule, ...lines.map(render)].join('\n');
}

export function writeResults(dir: string, payload: unknown, markdown: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `bench-${stamp}.json`);
  const text = `${JSON.stringify(payload, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  writeFileSync(join(dir, 'latest.md'), `${markdown}\n`);
  return file;
}
