/**
 * The built bin as a child process, for the reliability tests: a real SDK client over stdio with
 * stderr collected, or a raw JSON-RPC peer that checks every stdout line it receives.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { Capture } from './capture.js';
import { expectEra, newClient, type TestEra, testEra } from './mcp.js';

export const BIN = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** A spawned server with a connected client; everything it writes to stderr goes into `capture`. */
export async function spawnClient(
  env: Record<string, string>,
  capture: Capture,
  era: TestEra = testEra(),
): Promise<{ client: Client; pid: number; errors: Error[]; close: () => Promise<void> }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    env: { PATH: process.env.PATH ?? '', ...env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => capture.add(chunk.toString()));
  const client = newClient('reliability', era);
  // Notifications (log messages, progress) are an output channel too: the secret scan reads them.
  client.fallbackNotificationHandler = async (notification) => capture.add(notification);
  await client.connect(transport);
  expectEra(client, era);
  // The transport reports here any stdout line that is not a JSON-RPC message.
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  const pid = transport.pid;
  if (pid === null) throw new Error('the server process did not start');
  return { client, pid, errors, close: () => client.close() };
}

/** Peak resident memory of a live process in MB (Linux /proc), or null where unavailable. */
export function peakRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

export interface RawPeer {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line, as received. */
  lines: string[];
  stderr: string[];
  send(message: unknown): void;
  /** Writes any text as a line (for garbage input). */
  sendRaw(line: string): void;
  /** Sends a request and resolves with the response carrying its id. */
  request(id: number, method: string, params?: unknown): Promise<Record<string, unknown>>;
  /** Closes stdin and resolves with the exit code. */
  end(): Promise<number | null>;
}

/** The bin with a hand-written JSON-RPC peer: nothing between the test and the bytes. */
export function spawnRaw(env: Record<string, string>, nodeArgs: string[] = []): RawPeer {
  const child = spawn(process.execPath, [...nodeArgs, BIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiting = new Map<unknown, (message: Record<string, unknown>) => void>();
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    try {
      const message = JSON.parse(line) as Record<string, unknown>;
      waiting.get(message.id)?.(message);
    } catch {
      // Checked by the test: every line must parse.
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const sendRaw = (line: string) => child.stdin.write(`${line}\n`);
  return {
    child,
    lines,
    stderr,
    send: (message) => sendRaw(JSON.stringify(message)),
    sendRaw,
    request(id, method, params) {
      const answered = new Promise<Record<string, unknown>>((resolve) => waiting.set(id, resolve));
      sendRaw(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) }));
      return answered;
    },
    end() {
      child.stdin.end();
      return exited;
    },
  };
}
