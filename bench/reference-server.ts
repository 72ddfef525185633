#!/usr/bin/env node
/**
 * The bench's reference: the least an MCP server can do for one lookup. The SDK's low-level Server
 * (what src/server.ts uses), one tool `get`, stdio, and a keep-alive undici request whose body is
 * returned as text, with no validation, normalization or error mapping. Its numbers are the floor
 * that billing-customers-mcp is compared against.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
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

const server = new Server(
  { name: 'bench-reference', version: '0.0.0' },
  { capabilities: { tools: {} } },
);
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [GET_TOOL] }));
server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
  const args = (req.params.arguments ?? {}) as { url: string; headers?: Record<string, string> };
  const response = await request(args.url, { headers: args.headers, signal: extra.signal });
  const text = await response.body.text();
  return { content: [{ type: 'text', text }], isError: response.statusCode >= 400 };
});

process.stdin.on('end', () => process.exit(0));
await server.connect(new StdioServerTransport());
