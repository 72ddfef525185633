/**
 * The upstream for the bench, in its own process so the emulators never share an event loop with
 * the measuring client: both servers under test pay the same price for reaching them. Started with
 * `fork()`; it reports the emulators' settings over IPC and answers request-log queries, which is
 * how the bench counts Maple's upstream requests per page.
 */
import type { ProviderSettings } from '../src/providers/types.js';
import type { Emulator } from '../src/sandbox/emulator.js';
import { startSandbox } from '../src/sandbox/index.js';
import { startBigMaple } from './lib/big-maple.js';

export type EmulatorName = 'quentli' | 'flexprice' | 'maple' | 'mapleBig';

export interface HostReady {
  type: 'ready';
  settings: Record<EmulatorName, ProviderSettings>;
  /** Customers the bigger Maple emulator holds (null when it could not be seeded larger). */
  mapleBigCustomers: number | null;
  mapleBigNote: string;
}

export interface HostQuery {
  id: number;
  op: 'count' | 'clear' | 'requests' | 'latency';
  emulator: EmulatorName;
  /** For 'latency': the emulator's added delay before every answer, in ms. */
  value?: number;
}

export interface LoggedSummary {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string>;
  body: string;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  const big = await startBigMaple();
  const emulators: Record<EmulatorName, Emulator> = {
    quentli: sandbox.emulators.quentli.emulator,
    flexprice: sandbox.emulators.flexprice.emulator,
    maple: sandbox.emulators.maple.emulator,
    mapleBig: big.emulator.emulator,
  };
  const send = (message: unknown): void => void process.send?.(message);
  process.on('message', (message: HostQuery) => {
    const emulator = emulators[message.emulator];
    if (message.op === 'clear') emulator.clearLog();
    if (message.op === 'latency') emulator.latencyMs = message.value ?? 0;
    const result =
      message.op === 'requests' ? emulator.requests.map(summarize) : emulator.requests.length;
    send({ id: message.id, result });
  });
  process.on('disconnect', () => process.exit(0));
  const ready: HostReady = {
    type: 'ready',
    settings: { ...sandbox.settings, mapleBig: big.emulator.settings },
    mapleBigCustomers: big.customers,
    mapleBigNote: big.note,
  };
  send(ready);
}

function summarize(request: Emulator['requests'][number]): LoggedSummary {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return {
    method: request.method,
    rawPath: request.rawPath,
    rawQuery: request.rawQuery,
    headers,
    body: request.rawBody,
  };
}

main().catch((error: unknown) => {
  console.error(`emulator host: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
