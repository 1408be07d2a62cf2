/**
 * What other processes (Pd, the engine) use of the machine, from Linux's /proc: CPU time of
 * every thread (/proc/<pid>/stat), and how long the main thread was ready to run but had no
 * CPU (/proc/<pid>/schedstat): on a busy machine, the delay other processes caused.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of the utime and stime fields (USER_HZ). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU seconds (user + system) that process `pid` has used so far. */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2, the name, is in parentheses and may hold spaces: count from the last ')'.
  // There field 3 (state) is the first; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Nanoseconds the main thread of `pid` has waited for a CPU so far; NaN where the kernel does not say. */
function mainThreadWaitNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return Number.NaN;
  }
}

export interface ProcessUse {
  /** CPU time in % of one core. */
  readonly cpuPercent: number;
  /** Milliseconds the main thread was ready to run but had no CPU (NaN: unknown). */
  readonly waitedMs: number;
}

/** What some processes used over a wall-clock window that starts at construction. */
export class ProcessCpuWindow {
  private readonly startCpu: readonly number[];
  private readonly startWaitNs: readonly number[];
  private readonly startWall = performance.now();

  constructor(private readonly pids: readonly number[]) {
    this.startCpu = pids.map(processCpuSeconds);
    this.startWaitNs = pids.map(mainThreadWaitNs);
  }

  /** Wall seconds since the start. */
  seconds(): number {
    return (performance.now() - this.startWall) / 1000;
  }

  /** Each process's use since the start, in the order of the pids. */
  use(): ProcessUse[] {
    const wall = this.seconds();
    return this.pids.map((pid, i) => ({
      cpuPercent: (100 * (processCpuSeconds(pid) - this.startCpu[i]!)) / wall,
      waitedMs: (mainThreadWaitNs(pid) - this.startWaitNs[i]!) / 1e6,
    }));
  }
}
