/** The local Opus encoder options (never transmitted, spec §10.2) and how a bitrate is shared. */

export type OpusBitrate = number | 'auto' | 'max';
export type OpusSignal = 'auto' | 'music' | 'voice';

/**
 * libopus and the reference default to 9. At 5 every CELT coding tool still runs (pitch
 * pre-filter, TF analysis, spreading decision, transient patching, two-pass energy coding);
 * what goes is the encoder's tonality analysis (from 7), which steers the VBR budget and the
 * speech/music decision, and the second MDCT on transients (from 8). Encoding costs a quarter
 * less: 57 instead of 75 µs per stereo 10 ms block (bench/codec.ts), 0.18 % of a core per
 * sending stream. WebRTC makes the same choice where CPU is scarce (5 on mobile, 9 on desktop). The price, at the automatic bitrate: a 1 kHz tone's coding noise
 * 40 dB below it instead of 47, a 10 kHz tone's 32 instead of 37; below 5, without the
 * pre-filter, the 1 kHz tone's is at 34 dB. In the VOIP application, without the speech/music
 * analysis, tonal music may be coded in hybrid (SILK + CELT) mode. `codec_set complexity`
 * overrides it.
 */
export const DEFAULT_COMPLEXITY = 5;

function asNumber(value: number | string): number {
  return typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
}

/** 'auto', 'max' or bits/s > 0, clamped as libopus multistream does to 500…300000 per channel. */
export function parseBitrate(value: number | string, channels: number): OpusBitrate | string {
  if (value === 'auto' || value === 'max') return value;
  const n = asNumber(value);
  if (!Number.isFinite(n) || n <= 0) return `invalid bitrate '${value}': expected bits/s > 0, 'auto' or 'max'`;
  return Math.min(300000 * channels, Math.max(500 * channels, Math.round(n)));
}

export function parseComplexity(value: number | string): number | string {
  const n = asNumber(value);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : `invalid complexity '${value}': expected 0…10`;
}

export function parseSignal(value: number | string): OpusSignal | string {
  return value === 'auto' || value === 'music' || value === 'voice'
    ? value
    : `invalid signal '${value}': expected 'auto', 'music' or 'voice'`;
}

/**
 * The bitrate of each mono stream when `total` is the whole stream's bitrate: libopus
 * `surround_rate_allocation` for N uncoupled streams, so our per-channel encoders get what
 * the reference's multistream encoder would give them (including its OPUS_AUTO rule).
 */
export function streamBitrate(total: OpusBitrate, channels: number, sampleRate: number, frameSize: number): number {
  const n = channels;
  const channelOffset = 40 * Math.max(50, Math.trunc(sampleRate / frameSize));
  const bitrate = total === 'auto' ? n * (channelOffset + sampleRate + 10000) : total === 'max' ? n * 300000 : total;
  const streamOffset = Math.max(0, Math.min(20000, Math.trunc(Math.trunc((bitrate - channelOffset * n) / n) / 2)));
  const channelRate = Math.trunc((256 * (bitrate - streamOffset * n - channelOffset * n)) / (n << 8));
  return Math.max(500, channelOffset + Math.max(0, streamOffset + channelRate));
}
