/** The real-time audio clock of `aoo-node send`, `receive` and `demo`, and their shared process and argument helpers. */

const UNIX_TO_NTP_SECONDS = 2208988800;

/** Now, in seconds on the NTP timescale (seconds since 1900). */
export function ntpNow(): number {
  return (performance.timeOrigin + performance.now()) / 1000 + UNIX_TO_NTP_SECONDS;
}

/** Blocks further behind than this are skipped instead of processed in a burst (a stalled event loop). */
const MAX_CATCH_UP_SECONDS = 0.5;

/**
 * Calls `onBlock(index, time)` once per audio block, paced by wall time: a short timer processes
 * every block that is due, so the block count never drifts from the clock. `time` is the block's
 * nominal start on the NTP timescale.
 */
export class StreamClock {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private startNtp = 0;
  private startMs = 0;
  /** Blocks processed so far. */
  blocks = 0;
  /** Blocks skipped because the event loop stalled. */
  skipped = 0;

  constructor(
    readonly sampleRate: number,
    readonly blockSize: number,
    private readonly onBlock: (index: number, time: number) => void,
    private readonly afterTick: () => void = () => {},
    private readonly intervalMs = 2,
  ) {}

  get blockSeconds(): number {
    return this.blockSize / this.sampleRate;
  }

  /** Seconds of audio processed so far. */
  get elapsed(): number {
    return this.blocks * this.blockSeconds;
  }

  start(): void {
    this.running = true;
    this.startMs = performance.now();
    this.startNtp = ntpNow();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const elapsed = (performance.now() - this.startMs) / 1000;
    const due = Math.floor(elapsed / this.blockSeconds) + 1;
    const maxBehind = Math.ceil(MAX_CATCH_UP_SECONDS / this.blockSeconds);
    if (due - this.blocks > maxBehind) {
      this.skipped += due - maxBehind - this.blocks;
      this.blocks = due - maxBehind;
    }
    while (this.blocks < due && this.running) {
      this.onBlock(this.blocks, this.startNtp + this.blocks * this.blockSeconds);
      this.blocks++;
    }
    if (this.running) this.afterTick();
  }
}

/** Calls `handler` on Ctrl-C (SIGINT) and SIGTERM, instead of dying, until the returned function is called. */
export function onInterrupt(handler: () => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

// ---- arguments

/** Bad command-line arguments: reported as one line, exit code 2. */
export class UsageError extends Error {}

export function parseNumber(text: string | undefined, name: string, fallback: number, check: (n: number) => boolean, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${text}"`);
  return n;
}

export const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;
export const isPositive = (n: number): boolean => n > 0;
export const isPort = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < 65536;
export const isId = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0x7fffffff;

/** The message of anything thrown. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs a command body; usage errors and parseArgs errors become one line on stderr and exit code 2. */
export async function runCommand(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`aoo-node ${name}: ${(e as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`aoo-node ${name}: ${errorText(e)}\n`);
    return 1;
  }
}
