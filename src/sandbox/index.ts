/** The built-in sandbox (`--demo`, CONTRACT §8): all three emulators on loopback with their seed data. */
import type { ProviderId, ProviderSettings } from '../providers/types.js';
import { startFlexpriceEmulator } from './flexprice/emulator.js';
import { startMapleEmulator } from './maple/emulator.js';
import { startQuentliEmulator } from './quentli/emulator.js';
import type { ProviderEmulator } from './types.js';

export interface Sandbox {
  emulators: Record<ProviderId, ProviderEmulator>;
  settings: Record<ProviderId, ProviderSettings>;
  close(): Promise<void>;
}

/** `logRequests: false` (the bin's `--demo`): the emulators keep no request log at all. */
export async function startSandbox(options: { logRequests?: boolean } = {}): Promise<Sandbox> {
  const [quentli, flexprice, maple] = await Promise.all([
    startQuentliEmulator(),
    startFlexpriceEmulator(),
    startMapleEmulator(),
  ]);
  const emulators = { quentli, flexprice, maple };
  if (options.logRequests === false) {
    for (const { emulator } of Object.values(emulators))
      emulator.logLimit = { entries: 0, bodyBytes: 0 };
  }
  return {
    emulators,
    settings: { quentli: quentli.settings, flexprice: flexprice.settings, maple: maple.settings },
    close: async () => {
      await Promise.all(Object.values(emulators).map((e) => e.close()));
    },
  };
}
