#!/usr/bin/env node
/**
 * The HTTP bench's reference: the SDK's minimal stateless Streamable HTTP server (its
 * simpleStatelessStreamableHttp example, on node:http instead of Express) around the same single
 * `get` tool as the stdio reference (bench/lib/reference-tool.ts). A fresh Server and transport
 * per request, JSON responses, nothing else: no auth, limits, validation or access log.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { referenceServer } from './lib/reference-tool.js';

const http = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/mcp') {
    res.writeHead(405).end();
    return;
  }
  const server = referenceServer('bench-reference-http');
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stderr.write(`reference over HTTP at http://127.0.0.1:${port}/mcp\n`);
});
process.on('SIGTERM', () => process.exit(0));
