/**
 * Waiting for something to stop happening, which has no event of its own: a count is settled once
 * it has not changed for `quietMs`. Used instead of a fixed sleep, which a loaded machine outruns
 * (the count still moving when the check runs) and an idle one overpays.
 */
export async function settled(
  count: () => number,
  { quietMs = 250, maxMs = 10_000 }: { quietMs?: number; maxMs?: number } = {},
): Promise<number> {
  const started = Date.now();
  let last = count();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return last;
}
