/**
 * A minimal newline-delimited JSON-RPC client over a child's stdio. Deliberately lighter than the
 * SDK Client so the measuring side adds as little as possible to either server's numbers.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Era, eraParams, firstRequest } from './era.js';

export const PROTOCOL_VERSION: Era = '2025-11-25';
/** USER_HZ: 100 on every mainstream Linux build; /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class StdioPeer {
  readonly startedAt: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = '';
  private stderrTail = '';
  private exited = false;
  private readonly exitPromise: Promise<void>;
  /** Byte length of the last response line, for size measurements. */
  lastLineBytes = 0;
  lastLine = '';

  private constructor(
    readonly label: string,
    private readonly child: ChildProcessWithoutNullStreams,
    /** The protocol era this peer speaks (each request's `_meta` in 2026-07-28). */
    readonly era: Era,
  ) {
    this.startedAt = performance.now();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    this.exitPromise = new Promise((resolve) => {
      child.on('exit', () => {
        this.exited = true;
        const error = new Error(`${label} exited; stderr: ${this.stderrTail.trim()}`);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        resolve();
      });
    });
    child.stdin.on('error', () => undefined);
  }

  static spawn(
    label: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    era: Era = PROTOCOL_VERSION,
  ): StdioPeer {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    return new StdioPeer(label, child, era);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (this.exited)
      return Promise.reject(new Error(`${this.label} has exited: ${this.stderrTail}`));
    const id = this.nextId++;
    const promise = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
    });
    const line = { jsonrpc: '2.0', id, method, params: eraParams(this.era, params) };
    this.child.stdin.write(`${JSON.stringify(line)}\n`);
    return promise;
  }

  notify(method: string, params: Record<string, unknown> = {}): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  /** The era's first exchange: initialize (then notifications/initialized), or server/discover. */
  async initialize(): Promise<unknown> {
    const { method, params } = firstRequest(this.era);
    const result = await this.request(method, params);
    if (this.era === '2025-11-25') this.notify('notifications/initialized');
    return result;
  }

  callTool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    return this.request('tools/call', { name, arguments: args }) as Promise<ToolResult>;
  }

  /** Linux only: the peak resident set size (VmHWM) of the child so far, in KiB. */
  peakRssKb(): number {
    return readStatusKb(this.pid, 'VmHWM');
  }

  rssKb(): number {
    return readStatusKb(this.pid, 'VmRSS');
  }

  /** Linux only: user + system CPU time the child has used so far, in ms (10 ms resolution). */
  cpuMs(): number {
    return cpuMsOf(this.pid);
  }

  /** SIGKILL: nothing after this is measured, so do not wait for a graceful shutdown. */
  async kill(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.exitPromise;
  }

  /** Close stdin and wait for a clean exit (SIGKILL after `graceMs`). */
  async close(graceMs = 2000): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.trim() !== '') this.onLine(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private onLine(line: string): void {
    let message: { id?: number; result?: unknown; error?: { message: string } };
    try {
      message = JSON.parse(line);
    } catch {
      throw new Error(`${this.label} wrote a non-JSON line to stdout: ${line.slice(0, 200)}`);
    }
    if (typeof message.id !== 'number') return; // a notification or a server-side request
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    this.lastLine = line;
    this.lastLineBytes = Buffer.byteLength(line);
    if (message.error) waiter.reject(new Error(`${this.label}: ${message.error.message}`));
    else waiter.resolve(message.result);
  }
}

/** Linux only: user + system CPU time process `pid` has used so far, in ms (10 ms resolution). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS_PER_SECOND);
  } catch {
    return Number.NaN;
  }
}

/** Linux only: a /proc/<pid>/status figure in KiB (VmRSS now, VmHWM the peak so far). */
export function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The text a model reads from a successful tool result; throws on a tool error. */
export function resultText(result: ToolResult, what: string): string {
  const text = result.content[0]?.text;
  if (result.isError || text === undefined) {
    throw new Error(`${what} failed: ${JSON.stringify(result.content).slice(0, 400)}`);
  }
  return text;
}
