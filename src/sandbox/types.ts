/** What every provider emulator offers to tests, the benchmark and the sandbox. */
import type { ProviderSettings } from '../providers/types.js';
import type { Emulator } from './emulator.js';

export interface ProviderEmulator {
  /** Request log, connection count, latency and fault knobs. */
  readonly emulator: Emulator;
  /** What a provider client needs to talk to this emulator with a valid key. */
  readonly settings: ProviderSettings;
  close(): Promise<void>;
}
