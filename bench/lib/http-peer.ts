/**
 * A minimal Streamable HTTP client for the bench: JSON-RPC POSTs on a keep-alive undici pool to a
 * spawned server, no SDK Client, so the measuring side adds as little as possible. The server is
 * stateless: no initialize is needed before tools/call.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'undici';
import { type Era, eraHeaders, eraParams } from './era.js';
import { cpuMsOf, PROTOCOL_VERSION, type ToolResult } from './stdio-peer.js';

export class HttpPeer {
  private nextId = 1;
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    readonly url: string,
    /** Sent with every request (an Authorization header). */
    private readonly headers: Record<string, string>,
    /** The protocol era this peer speaks (stateless in both: no handshake needed for a call). */
    readonly era: Era,
  ) {}

  /** Spawns a server that names its URL on stderr (`… over HTTP at http://…`). */
  static async spawn(
    label: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    headers: Record<string, string> = {},
    era: Era = PROTOCOL_VERSION,
  ): Promise<HttpPeer> {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        // Keep reading (and dropping) stderr: the server's access log must never block on a full pipe.
        if (stderr.length < 8000) stderr += chunk;
        const match = /over HTTP at (http:\/\/\S+)/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`${label} exited (${code}): ${stderr}`)));
    });
    return new HttpPeer(label, child, url, headers, era);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<ToolResult> {
    const id = this.nextId++;
    const response = await request(this.url, {
      method: 'POST',
      dispatcher: this.agent,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...eraHeaders(this.era, 'tools/call', name),
        ...this.headers,
        ...headers,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: eraParams(this.era, { name, arguments: args }),
      }),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`${this.label}: HTTP ${response.statusCode} ${text.slice(0, 200)}`);
    // 2025-11-25 answers arrive as an SSE stream (SDK v2's stateless serving): the last event.
    const sse = String(response.headers['content-type']).startsWith('text/event-stream');
    const json = sse
      ? (text
          .match(/^data: ?(.*)$/gm)
          ?.at(-1)
          ?.replace(/^data: ?/, '') ?? '')
      : text;
    const message = JSON.parse(json) as { result?: ToolResult; error?: { message: string } };
    if (message.error || !message.result)
      throw new Error(`${this.label}: ${message.error?.message}`);
    return message.result;
  }

  /** Linux only: user + system CPU time of the server so far, in ms. */
  cpuMs(): number {
    return cpuMsOf(this.pid);
  }

  async kill(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await exited;
    await this.agent.close();
  }
}
