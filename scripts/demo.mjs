#!/usr/bin/env node
/**
 * `npm run demo`: a short scripted session by a real MCP client against `billing-customers-mcp
 * --demo`, printed as a transcript, so a newcomer sees the tools work without any API key.
 *
 *   node scripts/demo.mjs                      # spawns node dist/index.js --demo
 *   node scripts/demo.mjs <command> [args...]  # spawns that instead (plus --demo), e.g. an installed bin
 *
 * Exits non-zero if any step does not answer as expected, so tests and CI can run it as-is.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const BIN = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const [command, ...args] =
  process.argv.length > 2 ? process.argv.slice(2) : [process.execPath, BIN];

if (process.argv.length <= 2 && !existsSync(BIN)) {
  console.error(
    'dist/index.js is missing: run `npm run demo` (it builds first) or `npm run build`.',
  );
  process.exit(1);
}

const show = (text = '') => console.log(text);
const json = (value) => JSON.stringify(value);
const indent = (text) => text.replace(/^/gm, '    ');

/** A failed expectation ends the demo with a clear line rather than a stack trace. */
function expect(condition, what) {
  if (!condition) throw new Error(`unexpected answer: ${what}`);
}

async function call(client, name, args) {
  show(`\n→ ${name} ${json(args)}`);
  const result = await client.callTool({ name, arguments: args });
  const text = result.content?.[0]?.text ?? '';
  return { result, body: JSON.parse(text) };
}

function pageLine(page) {
  const { skip, returned, has_more, next_skip, next_cursor, total } = page;
  const cursor = next_cursor === null ? 'null' : `"${next_cursor.slice(0, 24)}…"`;
  return `← skip ${skip}, returned ${returned}, has_more ${has_more}, next_skip ${next_skip}, total ${total}, next_cursor ${cursor}`;
}

function rows(items) {
  return items
    .map((c) => `    ${c.id}  ${c.name ?? '—'}  <${c.email ?? '—'}>  ${c.status}`)
    .join('\n');
}

async function session(client) {
  const { tools } = await client.listTools();
  show(`\n→ tools/list\n← ${tools.length} tools`);
  for (const tool of tools) show(`    ${tool.name.padEnd(24)} ${tool.title}`);
  expect(tools.length === 7, `7 tools, got ${tools.length}`);

  show('\n# Find a customer by email (the email comes from a first, unfiltered page).');
  const first = await call(client, 'quentli_list_customers', { take: 1 });
  expect(!first.result.isError && first.body.items.length === 1, 'one Quentli customer');
  const { email } = first.body.items[0];
  show(`← ${first.body.items[0].name} <${email}>`);
  const found = await call(client, 'quentli_list_customers', { email });
  expect(!found.result.isError && found.body.items.length >= 1, `a customer with email ${email}`);
  expect(
    found.body.items.every((c) => c.email === email),
    'only customers with that email',
  );
  show(`← ${found.body.returned} match, normalized:`);
  show(indent(JSON.stringify(found.body.items[0], null, 2)));

  show('\n# "Which customer is this?": one call asks every billing system at once.');
  const everywhere = await call(client, 'find_customers', { email });
  expect(!everywhere.result.isError, 'an answer from find_customers');
  for (const section of everywhere.body.results) {
    const answer = section.error
      ? `error ${section.error.code}`
      : `${section.returned} match${section.returned === 1 ? '' : 'es'}`;
    show(`← ${section.provider}: ${answer}`);
    if (section.items?.length) show(rows(section.items));
  }
  expect(
    everywhere.body.results.some((s) => s.items?.some((c) => c.email === email)),
    `find_customers finds ${email}`,
  );

  show('\n# Page through Maple Billing, 5 at a time, with next_cursor.');
  const page1 = await call(client, 'maple_list_customers', { take: 5 });
  expect(
    !page1.result.isError && page1.body.returned === 5 && page1.body.has_more,
    'a full first page',
  );
  show(pageLine(page1.body));
  show(rows(page1.body.items));
  const page2 = await call(client, 'maple_list_customers', {
    take: 5,
    cursor: page1.body.next_cursor,
  });
  expect(!page2.result.isError && page2.body.skip === 5, 'the second page starting at 5');
  const seen = new Set(page1.body.items.map((c) => c.id));
  expect(
    page2.body.items.every((c) => !seen.has(c.id)),
    'no customer twice',
  );
  show(pageLine(page2.body));
  show(rows(page2.body.items));

  show('\n# A customer that does not exist: a coded error the model can act on.');
  const missing = await call(client, 'flexprice_get_customer', { id: 'cust_does_not_exist' });
  expect(missing.result.isError && missing.body.error?.code === 'not_found', 'a not_found error');
  show(`← isError: ${json(missing.body)}`);
}

const transport = new StdioClientTransport({ command, args: [...args, '--demo'], stderr: 'pipe' });
transport.stderr?.on('data', (chunk) => {
  for (const line of String(chunk).split('\n').filter(Boolean)) show(`  [server stderr] ${line}`);
});
const client = new Client({ name: 'billing-customers-demo', version: '1.0.0' });

const shown =
  command === process.execPath
    ? ['node', ...args.map((a) => relative(process.cwd(), a))]
    : [command, ...args];
show(`$ ${[...shown, '--demo'].join(' ')}`);
show('  (three emulated billing APIs on 127.0.0.1 with seeded customers; no API key is used)');
let status = 0;
try {
  await client.connect(transport);
  const server = client.getServerVersion();
  show(`← initialize: ${server?.name} ${server?.version}`);
  await session(client);
  show('\nDone: every step answered as expected. Next: README → "Use it in your assistant".');
} catch (error) {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  status = 1;
} finally {
  await client.close();
}
process.exit(status);
