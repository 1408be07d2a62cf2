/** Whether code allocates: heap growth and garbage collections over many calls (mocha runs node with --expose-gc). */
import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Growth under which 2,000 operations allocated nothing: the measuring itself takes about 2 KiB,
 * and the smallest allocation per operation (a number, an array view) would add 32 KiB or more.
 */
export const NOTHING_BYTES = 8192;

/**
 * Heap growth and garbage collections while `op` runs `count` times, in the cleanest of
 * `rounds` rounds: until the JIT has compiled the hot code (in the background, later on a busy
 * machine), interpreted arithmetic allocates numbers; a real allocation shows in every round.
 */
export async function heapCost(op: () => void, count: number, rounds: number): Promise<{ bytes: number; gcs: number }> {
  const collections: number[] = [];
  const observer = new PerformanceObserver((list) => collections.push(...list.getEntries().map((e) => e.startTime)));
  observer.observe({ entryTypes: ['gc'] });
  try {
    let best = { bytes: Number.POSITIVE_INFINITY, gcs: Number.POSITIVE_INFINITY };
    for (let r = 0; r < rounds && (best.bytes >= NOTHING_BYTES || best.gcs > 0); r++) {
      globalThis.gc!();
      await nextTurn(); // the collection's own bookkeeping settles first
      const start = performance.now();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < count; i++) op();
      const bytes = process.memoryUsage().heapUsed - before;
      await nextTurn(); // the observer's entries arrive
      const gcs = collections.filter((t) => t >= start).length;
      if (gcs < best.gcs || (gcs === best.gcs && bytes < best.bytes)) best = { bytes, gcs };
    }
    return best;
  } finally {
    observer.disconnect();
  }
}
