/** The stream formats `send` and `demo` offer: `--codec pcm|opus`. */
import type { StreamFormat } from '../codec/codec.ts';
import { OpusApplication, PcmBitDepth, opusExtension, pcmExtension } from '../codec/registry.ts';
import { UsageError } from './stream-clock.ts';

export type CodecName = 'pcm' | 'opus';

const OPUS_SAMPLE_RATES = [8000, 12000, 16000, 24000, 48000];

/** `--codec`; pcm when absent. */
export function parseCodec(text: string | undefined): CodecName {
  const codec = text ?? 'pcm';
  if (codec !== 'pcm' && codec !== 'opus') throw new UsageError(`--codec must be pcm or opus, got "${codec}"`);
  return codec;
}

/** PCM in 64-sample blocks, or Opus (application "audio") in 10 ms blocks. */
export function streamFormat(codec: CodecName, channels: number, sampleRate: number, bits: PcmBitDepth = PcmBitDepth.float32): StreamFormat {
  if (codec === 'pcm') return { codec, channels, sampleRate, blockSize: 64, extension: pcmExtension(bits) };
  if (!OPUS_SAMPLE_RATES.includes(sampleRate)) {
    throw new UsageError(`opus needs a sample rate of 8000, 12000, 16000, 24000 or 48000 Hz, got ${sampleRate}`);
  }
  return { codec, channels, sampleRate, blockSize: (480 * sampleRate) / 48000, extension: opusExtension(OpusApplication.audio) };
}
