/**
 * What the Pd benches share: Pd's sleep grain, cleaning up the processes they start, reading
 * Pd's printout and the machine's load. Pd and the engine start through the helpers of the
 * real-Pd tests (test/pd/pd-process.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Running, killAll } from '../test/pd/pd-process.ts';

export interface SleepGrain {
  readonly name: string;
  /** Pd arguments after the tests' PD_FLAGS, which hold `-sleepgrain 1`. */
  readonly pdArgs: readonly string[];
}

export const SLEEP_GRAIN_1MS: SleepGrain = { name: '-sleepgrain 1', pdArgs: [] };
/** Pd takes a grain under 0.1 ms as "the default" (a quarter of its scheduler advance). */
export const SLEEP_GRAIN_DEFAULT: SleepGrain = { name: 'default grain', pdArgs: ['-sleepgrain', '0'] };

/** `load 1.23 0.98 0.75` (os.loadavg: 1, 5 and 15 minutes). */
export function machineLoad(): string {
  return `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** The 1-minute load average. */
export function load1(): number {
  return loadavg()[0]!;
}

/**
 * Runs `bench` with a fresh temporary folder for its patches. Every Pd and engine it started
 * is killed when it ends, throws, or the bench is interrupted (Ctrl-C, SIGTERM).
 */
export async function withPdProcesses<T>(prefix: string, bench: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const interrupted = (signal: NodeJS.Signals) => {
    void killAll().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.kill(process.pid, signal);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await bench(dir);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolves once `count` lines of `pd`'s printout match `pattern`. */
export async function waitForLines(pd: Running, pattern: RegExp, count: number, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (pd.lines.filter((l) => pattern.test(l)).length < count) {
    if (performance.now() > until) throw new Error(`fewer than ${count} lines matching ${pattern} in ${timeoutMs} ms; printout:\n${pd.lines.slice(-40).join('\n')}`);
    await sleep(50);
  }
}

/** An error's first line (the helpers' errors append the whole printout). */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** The number after the last line of `lines` that starts with `prefix`; `fallback` when there is none. */
export function lastNumber(lines: readonly string[], prefix: string, fallback: number): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.startsWith(prefix)) return Number(lines[i]!.slice(prefix.length));
  return fallback;
}

/** A fixed-width text table: each column as wide as its title or `width`; the first column left-aligned, the others right. */
export class TextTable {
  private readonly widths: readonly number[];

  constructor(
    private readonly titles: readonly string[],
    minWidths: readonly number[] = [],
  ) {
    this.widths = titles.map((t, i) => Math.max(t.length, minWidths[i] ?? 0));
  }

  header(): string {
    return this.row(this.titles);
  }

  /** Cells past the last column are appended as they are. */
  row(cells: readonly string[]): string {
    return `  ${cells.map((c, i) => (i >= this.widths.length ? c : i === 0 ? c.padEnd(this.widths[i]!) : c.padStart(this.widths[i]!))).join('  ')}`;
  }
}
