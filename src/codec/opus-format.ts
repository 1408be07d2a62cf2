/** Opus stream format rules (spec §10.2): extension blob, sample rates, block sizes. */
import type { StreamFormat } from './codec.ts';
import { int32Extension, readInt32Extension } from './format.ts';

export const OpusApplication = { voip: 2048, audio: 2049, lowdelay: 2051 } as const;
export type OpusApplication = (typeof OpusApplication)[keyof typeof OpusApplication];

export const OPUS_SAMPLE_RATES: readonly number[] = [8000, 12000, 16000, 24000, 48000];

/** The application of an extension blob; missing, short or unknown → AUDIO. */
export function opusApplicationOf(extension: Uint8Array): OpusApplication {
  const value = readInt32Extension(extension);
  return value === OpusApplication.voip || value === OpusApplication.lowdelay ? value : OpusApplication.audio;
}

export function opusApplicationName(application: OpusApplication): 'voip' | 'audio' | 'restricted_lowdelay' {
  return application === OpusApplication.voip
    ? 'voip'
    : application === OpusApplication.lowdelay
      ? 'restricted_lowdelay'
      : 'audio';
}

export function opusExtension(application: OpusApplication): Uint8Array {
  return int32Extension(application);
}

/** 2.5 ms … 60 ms, rounded down to 2.5 · 2^k ms (so 40 ms is the largest below 60 ms). */
export function opusBlockSize(blockSize: number, sampleRate: number): number {
  const min = sampleRate / 400;
  const max = 24 * min;
  if (!(blockSize > min)) return min;
  if (blockSize >= max) return max;
  let size = min;
  while (size * 2 <= blockSize) size *= 2;
  return size;
}

export function validateOpus(format: StreamFormat): StreamFormat {
  const sampleRate = OPUS_SAMPLE_RATES.includes(format.sampleRate) ? format.sampleRate : 48000;
  const { channels } = format;
  return {
    codec: 'opus',
    channels: Number.isInteger(channels) && channels >= 1 && channels <= 255 ? channels : 1,
    sampleRate,
    blockSize: opusBlockSize(format.blockSize, sampleRate),
    extension: opusExtension(opusApplicationOf(format.extension)),
  };
}
