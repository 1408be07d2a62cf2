/**
 * Keeps the audio buffered for one stream at the latency setting while dynamic resampling is
 * on. The two time DLLs give the ratio of the clocks, but every estimate error — a DLL
 * settling, bursty host ticks at start-up, a source that does not send its rate (the
 * reference's default) — integrates into the buffer level and never comes back. This loop
 * measures the level and nudges the ratio by at most ±100 ppm (a sixth of a cent, inaudible),
 * so the level returns to the setting within tens of seconds.
 */
export class FillControl {
  private average = Number.NaN;
  /** The relative rate correction of the latest `update()`, within ±100 ppm. */
  correction = 0;
  private readonly smoothing: number;

  /**
   * `target`: wanted level in stream samples; `sampleRate`: the stream's; `updatePeriod`:
   * seconds between two `update()` calls.
   */
  constructor(
    private target: number,
    private readonly sampleRate: number,
    updatePeriod: number,
  ) {
    this.smoothing = Math.min(1, updatePeriod / LEVEL_AVERAGE_SECONDS);
  }

  /** A new wanted level (the latency changed); the level jumps with it, so the average restarts. */
  setTarget(target: number): void {
    this.target = target;
    this.reset();
  }

  /**
   * The level averaged over about five seconds, in stream samples (NaN before the first update):
   * what the buffer holds, without the swings of bursty host ticks and packet arrivals.
   */
  get level(): number {
    return this.average;
  }

  /**
   * Takes the level — `jitterSamples` (whole blocks) plus what the resampler holds — and sets
   * `correction`. (No fractional number crosses the call: V8 boxes a double passed to or
   * returned from a call it does not inline, a heap allocation every block.)
   */
  update(jitterSamples: number, resampler: { readonly bufferedFrames: number }): void {
    const level = jitterSamples + resampler.bufferedFrames;
    this.average = Number.isNaN(this.average) ? level : this.average + this.smoothing * (level - this.average);
    const errorSeconds = (this.average - this.target) / this.sampleRate;
    this.correction = Math.max(-MAX_CORRECTION, Math.min(MAX_CORRECTION, errorSeconds / CORRECTION_SECONDS));
  }

  reset(): void {
    this.average = Number.NaN;
  }
}

/** Time constant of the level average: longer than network jitter and host tick bursts. */
const LEVEL_AVERAGE_SECONDS = 5;
/** A level error of e seconds is corrected at e / 30 s per second (then clamped). */
const CORRECTION_SECONDS = 30;
const MAX_CORRECTION = 100e-6;
