/**
 * Section 4: what paging Maple costs upstream, counted in the emulator's own request log. Each
 * walk runs on a fresh server process so no cache left by an earlier walk can flatter a later one.
 */
import { type Bench, serverEnv, spawnServer } from '../lib/context.js';
import { absoluteRow } from '../lib/report.js';
import { resultText, type StdioPeer } from '../lib/stdio-peer.js';

export const PAGES = 10;
export const PAGE_SIZE = 20;
/** Maple's largest page: a cold jump can skip at most this many rows per upstream request. */
const MAPLE_MAX_LIMIT = 100;
const WANTED_JUMP = 1000;

interface Page {
  items: { id: string }[];
  next_skip: number | null;
  next_cursor: string | null;
}

export async function measurePaging(b: Bench): Promise<void> {
  const { mapleBigCustomers, mapleBigNote } = b.host.ready;
  b.facts.mapleBigCustomers = mapleBigCustomers;
  b.facts.mapleBigNote = mapleBigNote;
  const byCursor = await walk(b, 'cursor');
  const bySkip = await walk(b, 'skip');
  const section = 'paging';
  const pageRow = (how: string, counts: number[]) =>
    absoluteRow(
      {
        section,
        metric: `maple ${PAGES} pages of ${PAGE_SIZE} via ${how}: max requests/page`,
        value: Math.max(...counts),
        unit: 'req',
        note: `total ${counts.reduce((a, c) => a + c, 0)}, per page [${counts.join(', ')}]`,
      },
      { max: 1 },
    );
  b.rows.push(pageRow('next_cursor', byCursor.counts), pageRow('next_skip', bySkip.counts));
  const same = byCursor.ids.join(',') === bySkip.ids.join(',');
  b.rows.push(
    absoluteRow(
      {
        section,
        metric: 'next_cursor and next_skip pages list the same rows',
        value: same ? 1 : 0,
        unit: '',
      },
      { min: 1 },
    ),
  );
  await coldJump(b, mapleBigCustomers);
}

async function withServer<T>(b: Bench, run: (server: StdioPeer) => Promise<T>): Promise<T> {
  const server = spawnServer(
    b,
    'server (paging)',
    serverEnv({ maple: b.host.ready.settings.mapleBig }),
  );
  try {
    await server.initialize();
    return await run(server);
  } finally {
    await server.kill();
  }
}

async function listPage(b: Bench, server: StdioPeer, args: Record<string, unknown>) {
  await b.host.clear('mapleBig');
  const text = resultText(
    await server.callTool('maple_list_customers', args),
    'maple_list_customers',
  );
  return { page: JSON.parse(text) as Page, requests: await b.host.count('mapleBig') };
}

async function walk(
  b: Bench,
  how: 'cursor' | 'skip',
): Promise<{ counts: number[]; ids: string[] }> {
  return withServer(b, async (server) => {
    const counts: number[] = [];
    const ids: string[] = [];
    let args: Record<string, unknown> = { take: PAGE_SIZE };
    for (let page = 0; page < PAGES; page++) {
      const result = await listPage(b, server, args);
      counts.push(result.requests);
      ids.push(...result.page.items.map((item) => item.id));
      const { next_cursor, next_skip } = result.page;
      if (next_cursor === null || next_skip === null) break;
      args =
        how === 'cursor'
          ? { take: PAGE_SIZE, cursor: next_cursor }
          : { take: PAGE_SIZE, skip: next_skip };
    }
    return { counts, ids };
  });
}

async function coldJump(b: Bench, customers: number | null): Promise<void> {
  // With fewer customers than the jump needs, jump as far as the data allows and scale the bound.
  const room = customers === null ? WANTED_JUMP : customers - PAGE_SIZE;
  const skip = Math.min(WANTED_JUMP, Math.floor(room / MAPLE_MAX_LIMIT) * MAPLE_MAX_LIMIT);
  const bound = skip / MAPLE_MAX_LIMIT + 1;
  const result = await withServer(b, (server) => listPage(b, server, { skip, take: PAGE_SIZE }));
  b.rows.push(
    absoluteRow(
      {
        section: 'paging',
        metric: `maple cold jump to skip ${skip} (take ${PAGE_SIZE})`,
        value: result.requests,
        unit: 'req',
        note:
          skip === WANTED_JUMP
            ? `${result.page.items.length} rows returned`
            : `only ${customers} customers: jumped to ${skip}, bound scaled to ${bound}`,
      },
      { max: bound },
    ),
  );
}
