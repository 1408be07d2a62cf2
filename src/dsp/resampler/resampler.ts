import { copyInterpolator, copyPlanar, cubicInterpolator, FRACTION, type Interpolator, linearInterpolator, STEP } from './interpolator.ts';
import { CONVERSION_KERNEL, DRIFT_KERNEL, SincInterpolator } from './sinc.ts';

export type ResampleMode = 'sinc' | 'cubic' | 'linear';

/** Input and output rate of a dynamic resampler, in Hz (only their ratio matters). */
export interface RateRatio {
  inputRate: number;
  outputRate: number;
}

export interface ResamplerOptions {
  readonly channels: number;
  readonly inputRate: number;
  readonly outputRate: number;
  /**
   * Default 'sinc' (band-limited; for nominal rates within DRIFT_BAND of each other, the
   * 16-tap drift kernel); 'cubic' and 'linear' are the reference's methods (wire-spec §9.3).
   */
  readonly mode?: ResampleMode;
  /** Largest block `push` will get. */
  readonly maxInputBlock: number;
  /** Largest block `pull` will be asked for. */
  readonly maxOutputBlock: number;
  /**
   * The ratio will follow a clock-drift estimate through `setRatio`. Without it, equal rates
   * take the copy path (pure reblocking, no latency), as the reference does. The sinc
   * kernel and its cutoff stay those of the nominal rates: for a new nominal rate, make a new Resampler.
   */
  readonly dynamic?: boolean;
}

/**
 * Streaming reblocking and sample-rate conversion of planar audio (one Float32Array of
 * channels × frames, channel c at [c*frames, (c+1)*frames)). Push input blocks of any size,
 * pull output blocks of any size. Nothing is allocated after construction.
 *
 * The read position is kept as an integer frame index plus a fraction in [0, 1) and is never
 * re-derived from the ratio, so a ratio change moves the pitch, never the waveform: no clicks.
 */
export class Resampler {
  readonly channels: number;
  readonly dynamic: boolean;
  private readonly interpolator: Interpolator;
  private readonly buffer: Float32Array;
  private readonly capacity: number;
  /** The fraction of the read position and the step (see ReadCursor). */
  private readonly cursor = new Float64Array(2);
  private readIndex = 0;
  private writeIndex = 0;
  /** Input frames dropped from the front by `compact()` since the last reset. */
  private compacted = 0;
  /**
   * Pushed input frames the read position has not reached yet (fractional); set by push, pull
   * and reset, read-only for the rest. A field, not a method: a double returned from a call
   * that is not inlined is a heap allocation, and the sink reads this every block.
   */
  bufferedFrames = 0;

  constructor(options: ResamplerOptions) {
    const { channels, inputRate, outputRate, maxInputBlock, maxOutputBlock } = options;
    for (const [name, value] of Object.entries({ channels, maxInputBlock, maxOutputBlock })) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
    }
    this.applyRatio({ inputRate, outputRate });
    this.channels = channels;
    this.dynamic = options.dynamic ?? false;
    this.interpolator = pickInterpolator(options.mode ?? 'sinc', inputRate, outputRate, this.dynamic);
    const { history, lookahead } = this.interpolator;
    // Room for the worst case between two pulls, with slack for the ratio to drift,
    // doubled so that moving the live frames to the front happens at most every few pushes.
    const live = history + lookahead + maxInputBlock + Math.ceil(maxOutputBlock * this.stepSize * 1.25) + 2;
    this.capacity = 2 * live;
    this.buffer = new Float32Array(channels * this.capacity);
    this.reset();
  }

  /**
   * Appends `frames` planar frames. Throws a RangeError if the unread input would outgrow the
   * buffer (sized for one maxOutputBlock pull plus one maxInputBlock push): pull first.
   */
  push(input: Float32Array, frames: number): void {
    if (this.writeIndex + frames > this.capacity) this.compact();
    if (this.writeIndex + frames > this.capacity) {
      throw new RangeError(`resampler overflow: pull before pushing ${frames} more frames`);
    }
    copyPlanar(input, frames, 0, this.buffer, this.capacity, this.writeIndex, this.channels, frames);
    this.writeIndex += frames;
    this.updateBuffered();
  }

  /** Changes the conversion ratio from the next pulled frame on (dynamic resampling only). */
  setRatio(inputRate: number, outputRate: number): void {
    this.followRatio({ inputRate, outputRate });
  }

  /**
   * setRatio for a ratio its owner updates every block: the rates travel in an object, since
   * V8 boxes a double passed to a call it does not inline (a heap allocation per block).
   */
  followRatio(ratio: Readonly<RateRatio>): void {
    if (!this.dynamic) throw new Error('setRatio needs a resampler constructed with dynamic: true');
    this.applyRatio(ratio);
  }

  /** Checks the rates and sets the step; the rates come in an object for the reason followRatio gives. */
  private applyRatio(ratio: Readonly<RateRatio>): void {
    const { inputRate, outputRate } = ratio;
    if (!(inputRate > 0 && outputRate > 0 && inputRate < Infinity && outputRate < Infinity)) {
      throw new RangeError(`bad sample rates ${inputRate} → ${outputRate}`);
    }
    this.stepSize = inputRate / outputRate;
  }

  private get stepSize(): number {
    return this.cursor[STEP]!;
  }

  private set stepSize(step: number) {
    this.cursor[STEP] = step;
  }

  private get readFraction(): number {
    return this.cursor[FRACTION]!;
  }

  private set readFraction(fraction: number) {
    this.cursor[FRACTION] = fraction;
  }

  /** Output frames that can be pulled now. */
  availableFrames(): number {
    // Frame k needs floor(readFraction + k*step) <= last, the same expression `interpolate` uses.
    const last = this.writeIndex - 1 - this.interpolator.lookahead - this.readIndex;
    if (last < 0) return 0;
    let count = Math.ceil((last + 1 - this.readFraction) / this.stepSize);
    while (count > 0 && Math.floor(this.readFraction + (count - 1) * this.stepSize) > last) count--;
    while (Math.floor(this.readFraction + count * this.stepSize) <= last) count++;
    return count;
  }

  /** Writes `frames` planar frames into `output`; returns false, writing nothing, if fewer are available. */
  pull(output: Float32Array, frames: number): boolean {
    if (this.availableFrames() < frames) return false;
    this.interpolator.interpolate(this.buffer, this.capacity, this.channels, this.readIndex, this.cursor, output, frames);
    const end = this.readFraction + frames * this.stepSize;
    const whole = Math.floor(end);
    this.readIndex += whole;
    this.readFraction = end - whole;
    this.updateBuffered();
    return true;
  }

  /** Input frames per output frame (input rate / output rate), as set. */
  get step(): number {
    return this.stepSize;
  }

  /**
   * Where the next pulled frame reads the input: frames since the last reset, counting pushed
   * frames only (the priming silence is at negative positions). Output frame k of the next
   * pull reads `readPosition() + k·step`, so an event at input frame p belongs to output frame
   * `round((p − readPosition()) / step)` — exact under a changing ratio too.
   */
  readPosition(): number {
    return this.compacted + this.readIndex - this.interpolator.history - this.interpolator.lookahead + this.readFraction;
  }

  private updateBuffered(): void {
    this.bufferedFrames = this.writeIndex - this.readIndex - this.readFraction - this.interpolator.lookahead;
  }

  /** Delay from input to output in output frames, at the current ratio (group delay incl. priming). */
  latency(): number {
    return this.interpolator.lookahead / this.stepSize;
  }

  /** Drops all audio and primes the history with silence; keeps the current ratio. */
  reset(): void {
    this.buffer.fill(0);
    this.readIndex = this.interpolator.history;
    this.readFraction = 0;
    this.writeIndex = this.interpolator.history + this.interpolator.lookahead;
    this.compacted = 0;
    this.updateBuffered();
  }

  /** Moves the frames still needed (history and unread input) to the front of each channel. */
  private compact(): void {
    const shift = this.readIndex - this.interpolator.history;
    if (shift <= 0) return;
    for (let c = 0; c < this.channels; c++) {
      const start = c * this.capacity;
      this.buffer.copyWithin(start, start + shift, start + this.writeIndex);
    }
    this.readIndex -= shift;
    this.writeIndex -= shift;
    this.compacted += shift;
  }
}


/**
 * Nominal ratios this close to 1 are clock drift (a sink following a source of its own nominal
 * rate, whose real rate is believed within 1 %): the sinc mode takes the short drift kernel.
 */
export const DRIFT_BAND = 0.01;

function pickInterpolator(mode: ResampleMode, inputRate: number, outputRate: number, dynamic: boolean): Interpolator {
  if (inputRate === outputRate && !dynamic) return copyInterpolator;
  switch (mode) {
    case 'linear':
      return linearInterpolator;
    case 'cubic':
      return cubicInterpolator;
    case 'sinc': {
      const kernel = Math.abs(inputRate / outputRate - 1) <= DRIFT_BAND ? DRIFT_KERNEL : CONVERSION_KERNEL;
      return new SincInterpolator(kernel, Math.min(1, outputRate / inputRate));
    }
  }
}
