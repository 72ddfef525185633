/**
 * The built-in sandbox (`--demo`, CONTRACT §8): every registered provider's emulator on loopback
 * with its seed data (each descriptor's `sandbox`).
 */
import type { ProviderEntry } from '../providers/descriptor.js';
import { PROVIDERS, type ProviderId } from '../providers/registry.js';
import type { ProviderSettings } from '../providers/types.js';
import type { ProviderEmulator } from './types.js';

export interface Sandbox<Id extends string = ProviderId> {
  emulators: Record<Id, ProviderEmulator>;
  settings: Record<Id, ProviderSettings>;
  /** Each provider with its emulator's settings, in registry order (as Config.providers). */
  configured: { entry: ProviderEntry<Id>; settings: ProviderSettings }[];
  close(): Promise<void>;
}

export interface SandboxOptions<Id extends string> {
  /** `false` (the bin's `--demo`): the emulators keep no request log at all. */
  logRequests?: boolean;
  /** Whose emulators to start: the built-in providers unless a registry is given. */
  registry?: readonly ProviderEntry<Id>[];
}

export async function startSandbox<Id extends string = ProviderId>(
  options: SandboxOptions<Id> = {},
): Promise<Sandbox<Id>> {
  const registry =
    options.registry ?? (PROVIDERS as readonly ProviderEntry[] as ProviderEntry<Id>[]);
  const started = await Promise.all(registry.map((entry) => entry.sandbox()));
  const emulators = {} as Record<Id, ProviderEmulator>;
  const settings = {} as Record<Id, ProviderSettings>;
  const configured = registry.map((entry, index) => {
    const emulator = started[index] as ProviderEmulator;
    if (options.logRequests === false) emulator.emulator.logLimit = { entries: 0, bodyBytes: 0 };
    emulators[entry.id] = emulator;
    settings[entry.id] = emulator.settings;
    return { entry, settings: emulator.settings };
  });
  return {
    emulators,
    settings,
    configured,
    close: async () => {
      await Promise.all(started.map((e) => e.close()));
    },
  };
}
