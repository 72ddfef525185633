/**
 * The hardening figures, before (the v1 build, ./lib/v1-build.ts) and after, each in its own
 * processes so that a frozen or bloated "before" cannot touch the rest of the run:
 * - a tenant key of 6,132 punctuation characters (header-credential mode): time to answer
 *   tools/list over HTTP, bounded by a timeout (no answer within it is reported as "> N s");
 * - three sockets that send batches of `maple_list_customers take 100 detail full` and never read:
 *   the server's RSS, and whether a normal caller is served meanwhile;
 * - stdio, 3,000 such requests with stdout never read: the server's peak RSS.
 * Details of each probe are in ./hardening-probes.ts.
 */
import { allProviders, type Bench, serverEnv } from '../lib/context.js';
import { absoluteRow, type Row } from '../lib/report.js';
import type { Build } from '../lib/v1-build.js';
import { bigKeyToolsList, neverReadingHttp, neverReadingStdio } from './hardening-probes.js';

export const HARDENING = {
  keyLength: 6132,
  /** The before-run froze for about 41 s: it is abandoned after this. */
  keyTimeoutMs: 15_000,
  sockets: 3,
  batchesPerSocket: 4,
  callsPerBatch: 32,
  /** How long a normal caller keeps trying beside the non-reading sockets. */
  holdMs: 45_000,
  stdioRequests: 3000,
  /** The stdio probe stops here, or when RSS passes the cap (the before-run reached 1.7 GB). */
  stdioMs: 45_000,
  stdioRssCapMiB: 1536,
};

export async function measureHardening(b: Bench, v1: Build): Promise<void> {
  const env = serverEnv(allProviders(b));
  const builds = [
    { label: `before (v1 build ${v1.commit})`, entry: v1.entry },
    { label: 'after', entry: b.paths.serverEntry },
  ];
  const section = 'hardening';
  const row = (metric: string, value: number, unit: string, note?: string): Row =>
    absoluteRow({ section, metric, value, unit, note });
  for (const { label, entry } of builds) {
    const key = await bigKeyToolsList(entry, HARDENING);
    const timeout = `${HARDENING.keyTimeoutMs / 1000} s`;
    b.rows.push(
      row(
        `${HARDENING.keyLength}-char punctuation key: tools/list answered, ${label}`,
        key.ms / 1000,
        's',
        key.answered ? `HTTP ${key.status}` : `no answer within ${timeout}: > ${timeout}`,
      ),
      row(
        `${HARDENING.keyLength}-char punctuation key: /healthz sent 50 ms later, ${label}`,
        key.healthzMs / 1000,
        's',
      ),
    );
    const http = await neverReadingHttp(entry, env, HARDENING);
    const hold = `${HARDENING.holdMs / 1000} s`;
    b.rows.push(
      row(
        `${HARDENING.sockets} non-reading sockets: server peak RSS, ${label}`,
        http.rssAfterMiB,
        'MiB',
        `from ${http.rssBeforeMiB.toFixed(0)} MiB`,
      ),
      row(
        `${HARDENING.sockets} non-reading sockets: a normal caller served after, ${label}`,
        (http.servedAfterMs ?? HARDENING.holdMs) / 1000,
        's',
        http.servedAfterMs === null
          ? `never within ${hold} (last answer HTTP ${http.lastStatus}): > ${hold}`
          : 'served',
      ),
    );
    const stdio = await neverReadingStdio(entry, env, HARDENING);
    b.rows.push(
      row(
        `stdio, ${HARDENING.stdioRequests} full pages, stdout unread: peak RSS, ${label}`,
        stdio.peakMiB,
        'MiB',
        `from ${stdio.startMiB.toFixed(0)} MiB${stdio.capped ? `; stopped at the ${HARDENING.stdioRssCapMiB} MiB cap` : ''} after ${(stdio.ms / 1000).toFixed(0)} s`,
      ),
    );
  }
  b.facts.hardening = HARDENING;
}
