import { Server } from '@modelcontextprotocol/server';
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
  server.setRequestHandler('tools/list', () => ({ tools: [GET_TOOL] }));
  server.setRequestHandler('tools/call', async (req, ctx) => {
    const args = (req.params.arguments ?? {}) as { url: string; headers?: Record<string, string> };
    const response = await request(args.url, { headers: args.headers, signal: ctx.mcpReq.signal });
    const text = await response.body.text();
    return { content: [{ type: 'text', text }], isError: response.statusCode >= 400 };
  });
  return server;
}
