/** The bench side of the emulator host: fork it, wait for its settings, query its request logs. */
import { type ChildProcess, fork } from 'node:child_process';
import type { EmulatorName, HostQuery, HostReady, LoggedSummary } from '../emulator-host.js';

export class EmulatorHost {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: HostReady,
  ) {
    child.on('message', (message: { id?: number; result?: unknown }) => {
      if (typeof message.id !== 'number') return;
      this.pending.get(message.id)?.(message.result);
      this.pending.delete(message.id);
    });
  }

  static async start(modulePath: string): Promise<EmulatorHost> {
    const child = fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<HostReady>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`emulator host exited with ${code}`)));
      child.on('message', (message: { type?: string }) => {
        if (message.type === 'ready') resolve(message as HostReady);
      });
    });
    child.removeAllListeners('exit');
    return new EmulatorHost(child, ready);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  count(emulator: EmulatorName): Promise<number> {
    return this.query('count', emulator) as Promise<number>;
  }

  async clear(emulator: EmulatorName): Promise<void> {
    await this.query('clear', emulator);
  }

  /** Adds `ms` before every answer of that emulator (0 to stop). */
  async setLatency(emulator: EmulatorName, ms: number): Promise<void> {
    await this.query('latency', emulator, ms);
  }

  requests(emulator: EmulatorName): Promise<LoggedSummary[]> {
    return this.query('requests', emulator) as Promise<LoggedSummary[]>;
  }

  close(): void {
    this.child.disconnect();
    this.child.kill('SIGTERM');
  }

  private query(op: HostQuery['op'], emulator: EmulatorName, value?: number): Promise<unknown> {
    const id = this.nextId++;
    const message: HostQuery = { id, op, emulator, value };
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send(message);
    });
  }
}
