import { performance } from 'node:perf_hooks';

/** Median wall time of `runs` runs after one warm-up, in milliseconds. */
export async function timeMedian(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export function report(name: string, loch: number, baseline: number, baselineName: string): void {
  const ratio = loch / baseline;
  console.log(`${name.padEnd(48)} loch ${loch.toFixed(1).padStart(8)} ms   ${baselineName} ${baseline.toFixed(1).padStart(8)} ms   ratio ${ratio.toFixed(2)}x`);
}

export function version(v: number): string {
  return String(v).padStart(20, '0');
}
