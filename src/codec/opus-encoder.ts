import type { Encoder, StreamFormat } from './codec.ts';
import { encodedPacket, encodeInto, LibOpusEncoder as MonoEncoder } from './opus-binding.ts';
import { OpusApplication, opusApplicationName, opusApplicationOf } from './opus-format.ts';
import {
  DEFAULT_COMPLEXITY,
  type OpusBitrate,
  type OpusSignal,
  parseBitrate,
  parseComplexity,
  parseSignal,
  streamBitrate,
} from './opus-options.ts';
import { copyPacket, writeSelfDelimited } from './opus-packet.ts';

type LibSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;

/** One mono libopus encoder per channel; the block is the channel packets, all but the last self-delimited. */
export class OpusEncoder implements Encoder {
  readonly format: StreamFormat;
  readonly delay: number;
  readonly maxBlockBytes: number;
  private readonly encoders: MonoEncoder[] = [];
  private readonly pcm: Int16Array;
  private bitrate: OpusBitrate = 'auto';
  private signal: OpusSignal = 'auto';

  /** `format` must already be validated. */
  constructor(format: StreamFormat) {
    this.format = format;
    const { channels, sampleRate, blockSize } = format;
    const application = opusApplicationOf(format.extension);
    // What libopus reports as lookahead: 2.5 ms CELT overlap (+ 4 ms delay compensation unless low-delay).
    this.delay = Math.round((application === OpusApplication.lowdelay ? 0.0025 : 0.0065) * sampleRate);
    this.maxBlockBytes = 8 * channels * blockSize;
    this.pcm = new Int16Array(blockSize);
    for (let c = 0; c < channels; c++) {
      this.encoders.push(
        new MonoEncoder({
          channels: 1,
          sample_rate: sampleRate as LibSampleRate,
          application: opusApplicationName(application),
        }),
      );
    }
    this.applyBitrate();
    this.setOption('complexity', DEFAULT_COMPLEXITY);
  }

  encode(block: Float32Array, out: Uint8Array, offset: number): number {
    const { channels, blockSize } = this.format;
    if (block.length < channels * blockSize || offset < 0) return -1;
    const pcm = this.pcm;
    let pos = offset;
    try {
      for (let c = 0; c < channels; c++) {
        const base = c * blockSize;
        for (let i = 0; i < blockSize; i++) {
          const v = Math.round(block[base + i]! * 32768);
          pcm[i] = Math.min(32767, Math.max(-32768, v)); // NaN becomes 0 in the Int16Array
        }
        const length = encodeInto(this.encoders[c]!, pcm);
        // all but the last channel's packet self-delimited, as the libopus multistream encoder writes them
        const n = c < channels - 1 ? writeSelfDelimited(encodedPacket, length, out, pos) : copyPacket(encodedPacket, length, out, pos);
        if (n < 0) return -1;
        pos += n;
      }
    } catch {
      return -1;
    }
    return pos - offset;
  }

  setOption(name: string, value: number | string): string | null {
    switch (name) {
      case 'bitrate': {
        const bitrate = parseBitrate(value, this.format.channels);
        if (typeof bitrate === 'string' && bitrate !== 'auto' && bitrate !== 'max') return bitrate;
        this.bitrate = bitrate;
        this.applyBitrate();
        return null;
      }
      case 'complexity': {
        const complexity = parseComplexity(value);
        if (typeof complexity === 'string') return complexity;
        for (const e of this.encoders) e.complexity = complexity as MonoEncoder['complexity'];
        return null;
      }
      case 'signal': {
        const signal = parseSignal(value);
        if (signal !== 'auto' && signal !== 'music' && signal !== 'voice') return signal;
        this.signal = signal;
        for (const e of this.encoders) e.signal = signal;
        return null;
      }
      default:
        return `opus has no option '${name}' (bitrate, complexity, signal)`;
    }
  }

  getOption(name: string): number | string | undefined {
    switch (name) {
      case 'bitrate':
        return this.bitrate;
      case 'complexity':
        return this.encoders[0]!.complexity;
      case 'signal':
        return this.signal;
      default:
        return undefined;
    }
  }

  /** Clears the coding state; the options stay (OPUS_RESET_STATE). */
  reset(): void {
    for (const e of this.encoders) e.reset();
  }

  private applyBitrate(): void {
    const { channels, sampleRate, blockSize } = this.format;
    const rate = streamBitrate(this.bitrate, channels, sampleRate, blockSize);
    for (const e of this.encoders) e.bitrate = rate;
  }
}
