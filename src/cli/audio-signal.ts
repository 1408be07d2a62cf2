/** What `send` and `demo` stream: tones or a WAV file, read block by block. */
import type { Audio } from '../util/wav.ts';

export interface AudioSignal {
  /** Samples per channel; infinite for endless tones. */
  readonly length: number;
  /** Writes samples [start, start + blockSize) as one planar block of `channels` channels; zeros past the end. */
  read(block: Float32Array, channels: number, blockSize: number, start: number): void;
}

/** Channel i plays sine `tones[i % tones.length]` Hz at amplitude 0.5, from phase 0, for `length` samples. */
export function toneSignal(tones: readonly number[], sampleRate: number, length: number): AudioSignal {
  return {
    length,
    read(block, channels, blockSize, start) {
      const n = samplesLeft(length, blockSize, start);
      block.fill(0, 0, channels * blockSize);
      for (let ch = 0; ch < channels; ch++) {
        const w = (2 * Math.PI * tones[ch % tones.length]!) / sampleRate;
        const at = ch * blockSize;
        for (let i = 0; i < n; i++) block[at + i] = 0.5 * Math.sin(w * (start + i));
      }
    },
  };
}

/** Channel i plays the file's channel `i % file channels`, for at most `length` samples. */
export function fileSignal(audio: Audio, length: number): AudioSignal {
  const total = Math.min(length, audio.channels[0]?.length ?? 0);
  return {
    length: total,
    read(block, channels, blockSize, start) {
      const n = samplesLeft(total, blockSize, start);
      block.fill(0, 0, channels * blockSize);
      for (let ch = 0; ch < channels; ch++) {
        block.set(audio.channels[ch % audio.channels.length]!.subarray(start, start + n), ch * blockSize);
      }
    },
  };
}

function samplesLeft(length: number, blockSize: number, start: number): number {
  return Math.max(0, Math.min(blockSize, length - start));
}
