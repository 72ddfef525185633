/**
 * A first tool call no slower than the rest: it used to cost ~80–120 ms more than the next ones. Three
 * things happened on it, lazily: loading the HTTP client (undici is a 0.5 MB lazy chunk of the
 * bundle, ~45 ms to compile), compiling undici's HTTP parser (llhttp, WebAssembly, on the first
 * connection of the process) and the first trip through the request path. The bin now does all
 * three while the client is still initializing and listing tools: it loads undici and sends one
 * request to a throwaway HTTP server of its own on 127.0.0.1 (nothing leaves the machine, no
 * provider is contacted, and the pool the providers use is not touched).
 *
 * Hooked in src/index.ts main(), right after the command line is read (not for --help or
 * --version): `warmUpUpstream()`, not awaited. A failure here is the first call's to report.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadUndici } from './undici.js';

/** Resolves when done (never rejects); the bin does not wait for it. */
export function warmUpUpstream(): Promise<void> {
  return warm().catch(() => undefined);
}

async function warm(): Promise<void> {
  const { Client } = await loadUndici();
  const server = createServer((_req, res) => res.end('{}'));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const client = new Client(`http://127.0.0.1:${port}`);
    try {
      const response = await client.request({ path: '/', method: 'GET' });
      await response.body.text();
    } finally {
      await client.destroy();
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
