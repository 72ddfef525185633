/** A real SDK Client connected to createServer() over the SDK's in-memory transport. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Agent } from 'undici';
import type { BillingProvider } from '../../src/providers/types.js';
import { createServer } from '../../src/server.js';
import type { HttpSettings } from '../../src/upstream/upstream.js';

/**
 * In memory by default; with MCP_TEST_TRANSPORT=http (the `http` vitest project) the same server
 * is served by serveHttp() on 127.0.0.1 and the client speaks Streamable HTTP to it, so every
 * contract test that connects through here runs over both transports.
 */
export async function connectClient(providers: BillingProvider[]): Promise<Client> {
  if (process.env.MCP_TEST_TRANSPORT === 'http') return connectOverHttp(providers);
  const server = createServer({ providers, version: '0.0.0-test' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test-client', version: '0.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return client;
}

async function connectOverHttp(providers: BillingProvider[]): Promise<Client> {
  const { connectHttpClient, startHttpServer } = await import('./http.js');
  const server = await startHttpServer(providers);
  const client = await connectHttpClient(server.url);
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    await server.close();
  };
  return client;
}

/** Short keep-alive so test processes exit promptly; no retries unless a test asks for them. */
export function testHttp(overrides: Partial<HttpSettings> = {}): HttpSettings {
  return {
    timeoutMs: 5000,
    maxRetries: 0,
    dispatcher: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ...overrides,
  };
}

/** The structured payload of a successful call (and a check that the text is its exact JSON). */
export function structured<T = Record<string, unknown>>(result: unknown): T {
  const r = result as CallToolResult;
  if (r.isError) throw new Error(`tool error: ${JSON.stringify(r.content)}`);
  const text = (r.content[0] as { text: string }).text;
  if (text !== JSON.stringify(r.structuredContent))
    throw new Error('text is not JSON.stringify(structuredContent)');
  return r.structuredContent as T;
}

/** The coded error of an isError result (CONTRACT §5). */
export function toolError(result: unknown): {
  code: string;
  message: string;
  provider?: string;
  http_status?: number;
  retryable: boolean;
  retry_after_seconds?: number;
} {
  const r = result as CallToolResult;
  if (!r.isError) throw new Error(`expected an error, got ${JSON.stringify(r.structuredContent)}`);
  return (
    JSON.parse((r.content[0] as { text: string }).text) as { error: ReturnType<typeof toolError> }
  ).error;
}
