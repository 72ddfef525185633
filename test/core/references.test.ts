/**
 * Every "§" reference in the repository points at a heading that exists, and nothing points at
 * a document the repository does not hold.
 *
 * Scanned: every .ts/.mts/.mjs/.js/.md file under src/, test/, docs/, bench/ and scripts/, plus
 * README.md (not CHANGELOG.md, which is history, and not this file, whose examples are on
 * purpose). The rules, applied line by line:
 *
 * 1. Numbered headings. In docs/contract.md and docs/providers/<provider>.md a section is a
 *    Markdown heading that starts with its number: `## §3.2 P_list_customers`. A reference
 *    `§3.2` resolves when that document has exactly that heading (`§12.4` needs a `§12.4`
 *    heading; `§12` does not stand in for it).
 * 2. Which document. On each line, a reference belongs to the last document named before it on
 *    the same line:
 *    - `CONTRACT` or `contract.md` → docs/contract.md;
 *    - `quentli.md`, `providers/flexprice.md`, … → docs/providers/<provider>.md;
 *    - `RFC 9728` and the like → an outside standard, not checked.
 *    With no document named before it on the line, a bare `§x` belongs to the provider whose
 *    folder holds the file (src/providers/<p>/, src/sandbox/<p>/, test/<p>/, and
 *    docs/providers/<p>.md itself), and anywhere else to docs/contract.md.
 * 3. No paths outside the repository (`/work/…`, `../shared/…`): the documents live in docs/.
 * 4. No "issue N" or "issue #N" references: an issue number means nothing to a reader of the
 *    code. Say the rule the code follows instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SELF = 'test/core/references.test.ts';
const PROVIDERS = ['quentli', 'flexprice', 'maple'] as const;
type DocPath = string;

const CONTRACT_DOC = 'docs/contract.md';
const providerDoc = (provider: string): DocPath => `docs/providers/${provider}.md`;
const NUMBERED_DOCS: readonly DocPath[] = [CONTRACT_DOC, ...PROVIDERS.map(providerDoc)];

interface Reference {
  file: string;
  line: number;
  text: string;
  /** The document it resolves to, or null for an outside standard (RFC …). */
  doc: DocPath | null;
  section: string;
}

interface Problem {
  file: string;
  line: number;
  why: string;
}

/** Document names and references, left to right; a name sets the document for what follows. */
const TOKEN = new RegExp(
  [
    String.raw`(?<contract>\bCONTRACT\b|\bcontract\.md\b)`,
    String.raw`(?<provider>\b(?:${PROVIDERS.join('|')})(?=\.md\b))`,
    String.raw`(?<external>\bRFC ?\d+)`,
    String.raw`§ ?(?<section>\d+(?:\.\d+)*)`,
  ].join('|'),
  'g',
);
const OUTSIDE = /(?:^|[\s(`'"])(?:\/work\/|(?:\.\.\/)+shared\/)/;
const ISSUE = /\bissues? #?\d+/i;

/** Where a bare `§x` points in this file: its provider's document, else the contract. */
function defaultDoc(file: string): DocPath {
  const folder = /^(?:src\/providers|src\/sandbox|test)\/([a-z]+)\//.exec(file)?.[1];
  const own = /^docs\/providers\/([a-z]+)\.md$/.exec(file)?.[1];
  const provider = [folder, own].find((p) => (PROVIDERS as readonly string[]).includes(p ?? ''));
  return provider ? providerDoc(provider) : CONTRACT_DOC;
}

/** The references on one file's lines, plus the lines that break rules 3 and 4. */
function scan(file: string, text: string): { references: Reference[]; problems: Problem[] } {
  const references: Reference[] = [];
  const problems: Problem[] = [];
  text.split('\n').forEach((content, index) => {
    const line = index + 1;
    if (OUTSIDE.test(content)) {
      problems.push({ file, line, why: 'points outside the repository; name the doc in docs/' });
    }
    const issue = ISSUE.exec(content);
    if (issue) {
      problems.push({ file, line, why: `"${issue[0]}": say the rule instead of the issue` });
    }
    let doc: DocPath | null = defaultDoc(file);
    for (const match of content.matchAll(TOKEN)) {
      const { contract, provider, external, section } = match.groups ?? {};
      if (contract) doc = CONTRACT_DOC;
      else if (provider) doc = providerDoc(provider);
      else if (external) doc = null;
      else if (section) references.push({ file, line, text: match[0], doc, section });
    }
  });
  return { references, problems };
}

/** The section numbers a document's headings carry: `## §3.2 …` → `3.2`. */
function headings(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6} §(\d+(?:\.\d+)*)(?=[ \t]|$)/gm)].map((m) => m[1] as string);
}

function unresolved(
  references: readonly Reference[],
  sections: ReadonlyMap<DocPath, ReadonlySet<string>>,
): Problem[] {
  return references
    .filter((ref) => ref.doc !== null && !sections.get(ref.doc)?.has(ref.section))
    .map(({ file, line, text, doc }) => ({
      file,
      line,
      why: `${text} → ${doc} has no heading §${text.replace(/^§ ?/, '')}`,
    }));
}

const SCANNED_DIRS = ['src', 'test', 'docs', 'bench', 'scripts'];
const SKIPPED_DIRS = new Set(['node_modules', '.build', 'out', 'dist']);
const SCANNED_FILE = /\.(?:ts|mts|mjs|js|md)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    // node_modules and build output (bench/.build, .ci/out) are not the project's own text.
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : filesUnder(path);
    return SCANNED_FILE.test(entry.name) ? [path] : [];
  });
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const shown = (problems: readonly Problem[]) =>
  problems.map((p) => `${p.file}:${p.line}: ${p.why}`);

describe('the resolver', () => {
  const sections = new Map([
    [CONTRACT_DOC, new Set(['3', '3.2', '5'])],
    [providerDoc('maple'), new Set(['6', '6.6'])],
  ]);

  it('finds a reference whose heading does not exist', () => {
    const { references } = scan('src/tools/x.ts', '// CONTRACT §3.2 and §99; maple.md §6.6');
    expect(references.map((r) => [r.doc, r.section])).toEqual([
      [CONTRACT_DOC, '3.2'],
      [CONTRACT_DOC, '99'],
      [providerDoc('maple'), '6.6'],
    ]);
    expect(shown(unresolved(references, sections))).toEqual([
      `src/tools/x.ts:1: §99 → ${CONTRACT_DOC} has no heading §99`,
    ]);
  });

  it("sends a bare § in a provider's folder to that provider's document, elsewhere to the contract", () => {
    const inMaple = scan('src/sandbox/maple/find.ts', '/** as §6.6 says (CONTRACT §5) */');
    expect(inMaple.references.map((r) => r.doc)).toEqual([providerDoc('maple'), CONTRACT_DOC]);
    expect(unresolved(inMaple.references, sections)).toEqual([]);
    const elsewhere = scan('test/server/x.test.ts', '// the §6.6 walk');
    expect(shown(unresolved(elsewhere.references, sections))).toEqual([
      `test/server/x.test.ts:1: §6.6 → ${CONTRACT_DOC} has no heading §6.6`,
    ]);
  });

  it('leaves outside standards alone and flags issue numbers and outside paths', () => {
    const { references, problems } = scan(
      'src/x.ts',
      '// RFC 9728 §3.1\n// see issue #12 item 3\n// /work/shared/CONTRACT.md',
    );
    expect(unresolved(references, sections)).toEqual([]);
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it('reads numbered headings only', () => {
    expect(headings('# Title\n## §3 Tools\n### §3.2 `P_list`\n## 4 Customer\ntext §5\n')).toEqual([
      '3',
      '3.2',
    ]);
  });
});

describe('the repository', () => {
  const files = [...SCANNED_DIRS.flatMap(filesUnder), 'README.md'].filter((f) => f !== SELF);
  const scans = files.map((file) => scan(file, read(file)));
  const references = scans.flatMap((s) => s.references);
  const sections = new Map(NUMBERED_DOCS.map((doc) => [doc, new Set(headings(read(doc)))]));

  it('numbers each section of the contract documents once', () => {
    for (const doc of NUMBERED_DOCS) {
      const numbers = headings(read(doc));
      expect(numbers.length, doc).toBeGreaterThan(5);
      expect(
        numbers.filter((n, i) => numbers.indexOf(n) !== i),
        doc,
      ).toEqual([]);
    }
  });

  it('resolves every § reference to a heading', () => {
    // The scan must see the references that exist, or it proves nothing.
    expect(references.length).toBeGreaterThan(100);
    expect(shown(unresolved(references, sections))).toEqual([]);
  });

  it('names no issue numbers and no paths outside the repository', () => {
    expect(shown(scans.flatMap((s) => s.problems))).toEqual([]);
  });
});
