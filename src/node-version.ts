/** The oldest Node the server runs on: package.json `engines.node` (a test keeps them equal). */
export const MIN_NODE = '20.18.1';

/** Why this Node cannot run the server, or undefined when it can. No imports: the bin's first step. */
export function nodeVersionProblem(found: string, min: string = MIN_NODE): string | undefined {
  const parts = (version: string) =>
    version
      .replace(/^v/, '')
      .split('.')
      .map((part) => Number.parseInt(part, 10) || 0);
  const have = parts(found);
  const need = parts(min);
  for (const [i, wanted] of need.entries()) {
    const got = have[i] ?? 0;
    if (got > wanted) return undefined;
    if (got < wanted) {
      return `needs Node ≥ ${min}, found v${found.replace(/^v/, '')}. Install Node 22 or 24 (or ${min} or newer) and start it again.`;
    }
  }
  return undefined;
}
