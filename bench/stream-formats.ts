/** Host settings and stream formats of the stream benchmarks (host rate = stream rate = 48 kHz). */
import type { StreamFormat } from '../src/codec/codec.ts';
import { OpusApplication, type PcmBitDepth, opusExtension, pcmExtension } from '../src/codec/registry.ts';

export const SAMPLE_RATE = 48000;

/** Samples per channel the host hands to `Source.process` and takes from `Sink.process` (Pd's block). */
export const HOST_BLOCK = 64;

export function pcmFormat(channels: number, blockSize: number, bits: PcmBitDepth): StreamFormat {
  return { codec: 'pcm', channels, sampleRate: SAMPLE_RATE, blockSize, extension: pcmExtension(bits) };
}

export function opusFormat(channels: number, blockSize: number): StreamFormat {
  return { codec: 'opus', channels, sampleRate: SAMPLE_RATE, blockSize, extension: opusExtension(OpusApplication.audio) };
}

/** Host blocks in `seconds` of audio. */
export function hostBlocks(seconds: number): number {
  return Math.round((seconds * SAMPLE_RATE) / HOST_BLOCK);
}

/**
 * One second of planar host blocks: per channel two tones and a little high partial, so Opus
 * works as hard as on music. Computed once, so the timed code only streams it.
 */
export function testSignal(channels: number): readonly Float32Array[] {
  const blocks: Float32Array[] = [];
  for (let k = 0; k < hostBlocks(1); k++) {
    const block = new Float32Array(channels * HOST_BLOCK);
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < HOST_BLOCK; i++) {
        const t = (k * HOST_BLOCK + i) / SAMPLE_RATE;
        block[c * HOST_BLOCK + i] = 0.4 * Math.sin(2 * Math.PI * (440 + 220 * c) * t) + 0.05 * Math.sin(2 * Math.PI * 5123 * t);
      }
    }
    blocks.push(block);
  }
  return blocks;
}

/** A stream format as one command-line argument, for the benches' child processes. */
export function formatArgument(format: StreamFormat): string {
  return JSON.stringify({ ...format, extension: [...format.extension] });
}

export function parseFormatArgument(argument: string): StreamFormat {
  const parsed = JSON.parse(argument) as Omit<StreamFormat, 'extension'> & { extension: number[] };
  return { ...parsed, extension: Uint8Array.from(parsed.extension) };
}
