/**
 * A second Maple emulator for the paging section, seeded (same generator, `count` option) with
 * enough customers for a cold jump to skip 1000: the default seed has 300.
 */
import { type MapleEmulator, startMapleEmulator } from '../../src/sandbox/maple/emulator.js';

export const BIG_MAPLE_CUSTOMERS = 1500;

export async function startBigMaple(): Promise<{
  emulator: MapleEmulator;
  customers: number | null;
  note: string;
}> {
  const emulator = await startMapleEmulator({ count: BIG_MAPLE_CUSTOMERS });
  const customers = emulator.customers.length;
  return { emulator, customers, note: `Maple emulator seeded with count: ${BIG_MAPLE_CUSTOMERS}` };
}
