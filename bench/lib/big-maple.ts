/**
 * A second Maple emulator for the paging section, seeded with enough customers for a cold jump to
 * skip 1000 (the default seed has ~300).
 */
import { startMapleEmulator } from '../../src/sandbox/maple/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';

export const BIG_MAPLE_CUSTOMERS = 1500;

export async function startBigMaple(): Promise<{
  emulator: ProviderEmulator;
  customers: number | null;
  note: string;
}> {
  const emulator = await startMapleEmulator();
  return { emulator, customers: null, note: 'provisional: default seed' };
}
