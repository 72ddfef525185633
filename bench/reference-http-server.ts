#!/usr/bin/env node
/**
 * The HTTP bench's reference: the SDK's own stateless serving (createMcpHandler, both eras) on
 * plain node:http around the same single `get` tool as the stdio reference
 * (bench/lib/reference-tool.ts). A fresh Server per request, nothing else: no auth, limits,
 * validation or access log.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { referenceServer } from './lib/reference-tool.js';

const handler = createMcpHandler(() => referenceServer('bench-reference-http'));

const http = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/mcp') {
    res.writeHead(405).end();
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, values] of Object.entries(req.headersDistinct))
    for (const value of values ?? []) headers.append(name, value);
  const response = await handler.fetch(
    new Request('http://127.0.0.1/mcp', { method: 'POST', headers, body: Buffer.concat(chunks) }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stderr.write(`reference over HTTP at http://127.0.0.1:${port}/mcp\n`);
});
process.on('SIGTERM', () => process.exit(0));
