/** The real-time host block clock of the live benchmarks, counting blocks that were processed late. */
import { StreamClock, ntpNow } from '../src/cli/stream-clock.ts';
import { HOST_BLOCK, SAMPLE_RATE } from './stream-formats.ts';

/** A block finished more than this after its nominal start is late: a host with a 10 ms buffer would glitch. */
export const LATE_MS = 10;

export interface Lateness {
  readonly blocks: number;
  /** Blocks finished more than LATE_MS after their nominal start, plus blocks skipped because the loop stalled. */
  readonly late: number;
  readonly worstMs: number;
}

export class LiveClock {
  private readonly clock: StreamClock;
  private blocks = 0;
  private late = 0;
  private worstMs = 0;
  private skippedBefore = 0;

  /** `onBlock(time)` once per host block (time: its start, NTP timescale); `afterTick()` after each timer tick. */
  constructor(onBlock: (time: number) => void, afterTick: () => void) {
    this.clock = new StreamClock(
      SAMPLE_RATE,
      HOST_BLOCK,
      (_index, time) => {
        onBlock(time);
        const lateMs = (ntpNow() - time) * 1000;
        this.blocks++;
        if (lateMs > LATE_MS) this.late++;
        this.worstMs = Math.max(this.worstMs, lateMs);
      },
      afterTick,
    );
  }

  start(): void {
    this.clock.start();
  }

  stop(): void {
    this.clock.stop();
  }

  /** Lateness since the previous call (or the start). */
  takeLateness(): Lateness {
    const skipped = this.clock.skipped - this.skippedBefore;
    const result = { blocks: this.blocks + skipped, late: this.late + skipped, worstMs: this.worstMs };
    this.skippedBefore = this.clock.skipped;
    this.blocks = 0;
    this.late = 0;
    this.worstMs = 0;
    return result;
  }
}
