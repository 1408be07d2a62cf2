/**
 * Signal levels for a patch's meters: RMS and peak per channel over about 100 ms of host
 * blocks, in dBFS (what Pd's `[vu]` takes: 0 = full scale), floored at SILENCE_DB.
 */

/** The level of silence, and the floor of every level: the bottom of Pd's `[vu]`. */
export const SILENCE_DB = -100;
/** The ceiling of every level (the top of `[vu]`); also what a signal that is not a number shows. */
export const CEILING_DB = 12;
/** How often levels are reported, in seconds of host time. */
export const LEVEL_SECONDS = 0.1;

function toDb(amplitude: number): number {
  if (Number.isNaN(amplitude)) return CEILING_DB;
  if (amplitude <= 0) return SILENCE_DB;
  // One decimal is what a meter shows; fewer digits keep the patch's messages short.
  // + 0: a level just below 0 dB rounds to −0, which Pd would print as "-0".
  return Math.min(CEILING_DB, Math.max(SILENCE_DB, Math.round(200 * Math.log10(amplitude)) / 10)) + 0;
}

export class LevelMeter {
  private readonly blocksPerReport: number;
  private readonly sumSquares: Float64Array;
  private readonly peaks: Float64Array;
  private blocks = 0;

  constructor(
    readonly channels: number,
    private readonly blockSize: number,
    sampleRate: number,
  ) {
    this.blocksPerReport = Math.max(1, Math.round((LEVEL_SECONDS * sampleRate) / blockSize));
    this.sumSquares = new Float64Array(channels);
    this.peaks = new Float64Array(channels);
  }

  /**
   * Takes one planar block (channel 0's samples, then channel 1's…). When it completes a
   * report, calls `report` once per channel and starts the next one.
   */
  add(block: Float32Array, report: (channel: number, rmsDb: number, peakDb: number) => void): void {
    const { blockSize, sumSquares, peaks } = this;
    for (let c = 0; c < this.channels; c++) {
      let sum = 0;
      let peak = peaks[c]!;
      for (let i = c * blockSize, end = i + blockSize; i < end; i++) {
        const x = block[i]!;
        sum += x * x;
        // Math.max keeps a NaN, which shows as the ceiling: the meter says something is wrong.
        peak = Math.max(peak, Math.abs(x));
      }
      sumSquares[c]! += sum;
      peaks[c] = peak;
    }
    if (++this.blocks < this.blocksPerReport) return;
    const n = this.blocks * blockSize;
    for (let c = 0; c < this.channels; c++) {
      report(c, toDb(Math.sqrt(sumSquares[c]! / n)), toDb(peaks[c]!));
      sumSquares[c] = 0;
      peaks[c] = 0;
    }
    this.blocks = 0;
  }
}
