import { PerformanceObserver } from 'node:perf_hooks';

export interface Measurement {
  /** Median nanoseconds per operation over the rounds. */
  readonly nsPerOp: number;
  /** Heap bytes per operation in the quietest round (0 = nothing allocated). */
  readonly bytesPerOp: number;
  /** Garbage collections seen during the timed rounds. */
  readonly gcs: number;
}

let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

/** Runs `op` `perRound` times per round, `rounds` times, after a warm-up. */
export function measure(op: () => void, perRound = 10000, rounds = 15): Measurement {
  for (let i = 0; i < perRound * 3; i++) op();
  const times: number[] = [];
  let minBytes = Number.POSITIVE_INFINITY;
  const gcBefore = gcCount;
  for (let r = 0; r < rounds; r++) {
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) op();
    const t1 = process.hrtime.bigint();
    const heap1 = process.memoryUsage().heapUsed;
    times.push(Number(t1 - t0) / perRound);
    if (heap1 >= heap0) minBytes = Math.min(minBytes, (heap1 - heap0) / perRound);
  }
  times.sort((a, b) => a - b);
  return { nsPerOp: times[Math.floor(times.length / 2)]!, bytesPerOp: Number.isFinite(minBytes) ? minBytes : 0, gcs: gcCount - gcBefore };
}

export function row(label: string, value: string): void {
  console.log(`  ${label.padEnd(58)} ${value}`);
}
