/** How the bench drives a server: sequential latency samples in rotating order, and N calls in flight. */
import { performance } from 'node:perf_hooks';

export type Call = (i: number) => Promise<void>;

/**
 * Per contender, `rounds × perRound` sequential call durations (ms) after `warmup` calls. Rounds
 * rotate the order of the contenders so drift on a noisy machine spreads evenly over all of them.
 */
export async function sampleLatency(
  contenders: readonly { label: string; call: Call }[],
  config: { warmup: number; rounds: number; perRound: number },
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.label, []]));
  for (const contender of contenders) {
    for (let i = 0; i < config.warmup; i++) await contender.call(i);
  }
  for (let round = 0; round < config.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length] as (typeof contenders)[number];
      const out = samples.get(contender.label) as number[];
      for (let i = 0; i < config.perRound; i++) {
        const start = performance.now();
        await contender.call(round * config.perRound + i);
        out.push(performance.now() - start);
      }
    }
  }
  return samples;
}

/** `total` calls with `inFlight` of them outstanding at any time; resolves with calls per second. */
export async function runConcurrent(call: Call, total: number, inFlight: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) await call(next++);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (total / (performance.now() - start)) * 1000;
}
