#!/usr/bin/env node
/**
 * The HTTP bench's reference: the SDK's minimal stateless Streamable HTTP server (its
 * simpleStatelessStreamableHttp example, on node:http instead of Express) around the same single
 * `get` tool as bench/reference-server.ts. A fresh Server and transport per request, JSON
 * responses, nothing else: no auth, limits, validation, normalization or access log.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { request } from 'undici';

const GET_TOOL = {
  name: 'get',
  description: 'GET a URL and return the response body as text.',
  inputSchema: {
    type: 'object' as const,
    properties: {
      url: { type: 'string', description: 'Absolute URL.' },
      headers: { type: 'object', description: 'Request headers.' },
    },
    required: ['url'],
  },
};

function getServer(): Server {
  const server = new Server(
    { name: 'bench-reference-http', version: '0.0.0' },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [GET_TOOL] }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const args = (req.params.arguments ?? {}) as { url: string; headers?: Record<string, string> };
    const response = await request(args.url, { headers: args.headers, signal: extra.signal });
    const text = await response.body.text();
    return { content: [{ type: 'text', text }], isError: response.statusCode >= 400 };
  });
  return server;
}

const http = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/mcp') {
    res.writeHead(405).end();
    return;
  }
  const server = getServer();
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
