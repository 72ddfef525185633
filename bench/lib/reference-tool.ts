/**
 * The one tool of both bench references (stdio and stateless HTTP): `get` a URL with undici and
 * return the body as text, with no validation, normalization or error mapping — the least an MCP
 * server can do for one lookup, on the SDK's low-level Server as src/server.ts uses.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
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

export function referenceServer(name: string): Server {
  const server = new Server({ name, version: '0.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [GET_TOOL] }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const args = (req.params.arguments ?? {}) as { url: string; headers?: Record<string, string> };
    const response = await request(args.url, { headers: args.headers, signal: extra.signal });
    const text = await response.body.text();
    return { content: [{ type: 'text', text }], isError: response.statusCode >= 400 };
  });
  return server;
}
