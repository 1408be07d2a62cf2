import { readFileSync } from 'node:fs';

/** Linux: the main thread's scheduler statistics; the second field is ns spent runnable but waiting for a CPU. */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** Nanoseconds the main thread has waited for a CPU so far; NaN where the kernel does not say. */
function mainThreadWaitNs(): number {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]);
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time of this whole process (every thread: JS, GC, libuv) against wall time, and how long
 * the main thread waited for a CPU (other processes on a busy machine delay its timers).
 */
export class CpuMeter {
  private cpu = process.cpuUsage();
  private wall = performance.now();
  private waitNs = mainThreadWaitNs();

  restart(): void {
    this.cpu = process.cpuUsage();
    this.wall = performance.now();
    this.waitNs = mainThreadWaitNs();
  }

  /** CPU seconds (user + system) since the (re)start. */
  cpuSeconds(): number {
    const used = process.cpuUsage(this.cpu);
    return (used.user + used.system) / 1e6;
  }

  /** CPU time since the (re)start in % of one core. */
  percent(): number {
    return (100 * this.cpuSeconds()) / ((performance.now() - this.wall) / 1000);
  }

  /** Milliseconds the main thread was ready to run but had no CPU, since the (re)start; NaN if unknown. */
  waitedMs(): number {
    return (mainThreadWaitNs() - this.waitNs) / 1e6;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}
