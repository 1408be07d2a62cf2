/** The part of a Source that depends on its stream format; `Source.setFormat` replaces it whole. */
import type { Encoder, StreamFormat } from '../codec/codec.ts';
import { codecByName } from '../codec/registry.ts';
import { type ResampleMode, Resampler } from '../dsp/resampler/resampler.ts';
import { type Random, randomInt31 } from '../util/random.ts';
import { SendHistory } from './send-history.ts';

/** Blocks that may be encoded between two `send()` calls before the oldest unsent one is lost. */
export const UNSENT_BLOCKS_MAX = 64;

export interface PipelineSettings {
  readonly processBlockSize: number;
  /** The host's sample rate. */
  readonly sampleRate: number;
  readonly resampleMode: ResampleMode | undefined;
  readonly resendBufferSeconds: number;
  readonly streamTimeInterval: number;
}

export class EncodePipeline {
  readonly format: StreamFormat;
  /** Random per format (spec §4.1): sinks recreate their decoder when it changes. */
  readonly formatId: number;
  readonly encoder: Encoder;
  /** Host block/rate → format block/rate (copy path when the rates are equal). */
  readonly resampler: Resampler;
  /** One format block, planar. */
  readonly encodeInput: Float32Array;
  readonly history: SendHistory;
  /** A stream timestamp every this many blocks; 0 = none. */
  timestampPeriod = 0;
  /** Blocks kept for resend requests; 0 = resending off. */
  resendBlocks = 0;

  /** Throws for an unknown codec; other bad format fields are corrected by the codec (spec §10). */
  constructor(format: StreamFormat, settings: PipelineSettings, random: Random) {
    const codec = codecByName(format.codec);
    if (codec === undefined) throw new Error(`unknown codec '${format.codec}'`);
    this.format = codec.validate(format);
    this.formatId = randomInt31(random);
    this.encoder = codec.createEncoder(this.format);
    const { sampleRate, blockSize, channels } = this.format;
    this.resampler = new Resampler({
      channels,
      inputRate: settings.sampleRate,
      outputRate: sampleRate,
      mode: settings.resampleMode,
      maxInputBlock: settings.processBlockSize,
      maxOutputBlock: blockSize,
    });
    this.encodeInput = new Float32Array(channels * blockSize);
    this.history = new SendHistory(UNSENT_BLOCKS_MAX, this.encoder.maxBlockBytes + 64);
    this.setResendBuffer(settings.resendBufferSeconds);
    this.setStreamTimeInterval(settings.streamTimeInterval);
  }

  /** Keeps `seconds` of sent blocks for resend requests (the newest ones already kept stay). */
  setResendBuffer(seconds: number): void {
    this.resendBlocks = seconds > 0 ? Math.ceil((seconds * this.format.sampleRate) / this.format.blockSize) : 0;
    this.history.resize(this.resendBlocks + UNSENT_BLOCKS_MAX);
  }

  /** A timestamp every `seconds` of stream (spec §5.4); 0 = none. */
  setStreamTimeInterval(seconds: number): void {
    const { sampleRate, blockSize } = this.format;
    this.timestampPeriod = seconds > 0 ? Math.max(1, Math.floor((seconds * sampleRate) / blockSize)) : 0;
  }
}
