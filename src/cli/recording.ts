/** Planar audio kept in memory, block by block, up to a fixed length. */
export class Recording {
  readonly channels: Float32Array[];
  /** Samples per channel recorded so far. */
  private frames = 0;

  constructor(channels: number, capacityFrames: number) {
    this.channels = Array.from({ length: channels }, () => new Float32Array(capacityFrames));
  }

  /** Appends one planar block of `frames` samples per channel; what does not fit is left out. */
  append(block: Float32Array, frames: number): void {
    const n = Math.min(frames, (this.channels[0]?.length ?? 0) - this.frames);
    this.channels.forEach((channel, c) => channel.set(block.subarray(c * frames, c * frames + n), this.frames));
    this.frames += n;
  }

  /** The recorded part of each channel. */
  recorded(): Float32Array[] {
    return this.channels.map((channel) => channel.subarray(0, this.frames));
  }
}
