/**
 * A real SDK Client connected to our server factory, in memory through the SDK's own serving
 * entry (serveStdio over an in-memory transport pair, our redaction around it, as the bin does).
 *
 * Two switches make every contract test that connects through here run several ways:
 * - MCP_TEST_TRANSPORT=http: the same server is served by serveHttp() on 127.0.0.1 and the client
 *   speaks Streamable HTTP to it;
 * - MCP_TEST_ERA: `legacy` (default; the 2025-11-25 initialize handshake), `modern` (a client
 *   pinned to 2026-07-28) or `auto` (the client probes with server/discover and picks).
 */
import {
  type CallToolResult,
  Client,
  type ClientOptions,
  InMemoryTransport,
} from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { Agent } from 'undici';
import type { BillingProvider } from '../../src/providers/types.js';
import { processSecrets } from '../../src/redact.js';
import { serverFactory } from '../../src/server.js';
import { OutgoingTransport, redacting } from '../../src/transport/redacting.js';
import type { HttpSettings } from '../../src/upstream/upstream.js';

export type TestEra = 'legacy' | 'modern' | 'auto';

/** The era this run's clients speak (MCP_TEST_ERA). */
export function testEra(): TestEra {
  const era = process.env.MCP_TEST_ERA ?? 'legacy';
  if (era !== 'legacy' && era !== 'modern' && era !== 'auto') {
    throw new Error(`MCP_TEST_ERA must be legacy, modern or auto, not ${era}`);
  }
  return era;
}

/** Client options for an era: no option is the 2025 handshake, byte for byte. */
export function eraOptions(era: TestEra = testEra()): ClientOptions {
  if (era === 'modern') return { versionNegotiation: { mode: { pin: '2026-07-28' } } };
  if (era === 'auto') return { versionNegotiation: { mode: 'auto' } };
  return {};
}

/**
 * Fails unless `client` landed on the era asked for: this server serves 2026-07-28, so a probing
 * client must find it, and a default client must stay on the 2025 handshake.
 */
export function expectEra(client: Client, era: TestEra): void {
  const expected = era === 'legacy' ? 'legacy' : 'modern';
  if (client.getProtocolEra() !== expected) {
    throw new Error(`asked for ${era}, the client negotiated ${client.getProtocolEra()}`);
  }
}

/** A v2 SDK Client speaking this run's era. */
export function newClient(name = 'test-client', era: TestEra = testEra()): Client {
  return new Client({ name, version: '0.0.0' }, eraOptions(era));
}

export async function connectClient(
  providers: BillingProvider[],
  era: TestEra = testEra(),
): Promise<Client> {
  if (process.env.MCP_TEST_TRANSPORT === 'http') return connectOverHttp(providers, era);
  return connectInMemory(providers, era);
}

/** serveStdio's era negotiation over an in-memory pair: the bin's stdio path minus the pipes. */
export async function connectInMemory(
  providers: readonly BillingProvider[],
  era: TestEra = testEra(),
  factory = serverFactory({ providers, version: '0.0.0-test' }),
): Promise<Client> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const wire = new OutgoingTransport(
    serverTransport,
    redacting(() => [processSecrets]),
  );
  const served = serveStdio(() => factory(), { transport: wire });
  const client = newClient('test-client', era);
  await client.connect(clientTransport);
  expectEra(client, era);
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    await served.close();
  };
  return client;
}

async function connectOverHttp(providers: BillingProvider[], era: TestEra): Promise<Client> {
  const { connectHttpClient, startHttpServer } = await import('./http.js');
  const server = await startHttpServer(providers);
  const client = await connectHttpClient(server.url, {}, era);
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
