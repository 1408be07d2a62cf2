/**
 * Turns blocks of one size into blocks of another size at the same sample rate. This is the
 * seam where a resampler (src/dsp) can replace the FIFO later: Source and Sink only use this.
 */
export interface Reblocker {
  /** Frames (samples per channel) waiting to be read. */
  readonly available: number;
  /** Appends `frames` frames of a planar block (channel c at [c*frames, (c+1)*frames)). */
  write(block: Float32Array, frames: number): void;
  /** Reads `frames` frames into planar `out`; false (and nothing read) if fewer are available. */
  read(out: Float32Array, frames: number): boolean;
  reset(): void;
}

/** A planar ring buffer: reblocking by plain copying, no latency beyond the block size difference. */
export class FifoReblocker implements Reblocker {
  private readonly ring: Float32Array;
  private readPos = 0;
  private count = 0;

  constructor(
    private readonly channels: number,
    private readonly capacity: number,
  ) {
    this.ring = new Float32Array(channels * capacity);
  }

  get available(): number {
    return this.count;
  }

  write(block: Float32Array, frames: number): void {
    if (this.count + frames > this.capacity) throw new Error(`reblocking FIFO overflow (${this.count} + ${frames} > ${this.capacity})`);
    let w = (this.readPos + this.count) % this.capacity;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < this.channels; c++) this.ring[c * this.capacity + w] = block[c * frames + i]!;
      if (++w === this.capacity) w = 0;
    }
    this.count += frames;
  }

  read(out: Float32Array, frames: number): boolean {
    if (frames > this.count) return false;
    let r = this.readPos;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < this.channels; c++) out[c * frames + i] = this.ring[c * this.capacity + r]!;
      if (++r === this.capacity) r = 0;
    }
    this.readPos = r;
    this.count -= frames;
    return true;
  }

  reset(): void {
    this.readPos = 0;
    this.count = 0;
  }
}
