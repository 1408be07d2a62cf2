/**
 * One interface for every codec (pcm, opus, null). Audio blocks are *planar*: one
 * Float32Array of `channels * blockSize` samples, channel c at [c*blockSize, (c+1)*blockSize).
 */

/** The stream format as `/start` carries it (spec §4.1 fields 6–10). */
export interface StreamFormat {
  readonly codec: string;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** Codec-specific format extension blob (spec §10): PCM bit depth, Opus application. */
  readonly extension: Uint8Array;
}

export interface Encoder {
  /** The validated format this encoder produces. */
  readonly format: StreamFormat;
  /** Codec delay in samples at the format rate (sent in `/start` field 13). */
  readonly delay: number;
  /** Upper bound of one encoded block in bytes. */
  readonly maxBlockBytes: number;
  /** Encodes one planar block; writes into `out` at `offset`; returns the byte count, or -1 on failure. */
  encode(block: Float32Array, out: Uint8Array, offset: number): number;
  /** Sets a local encoder option (Opus: bitrate, complexity, signal). Returns an error message, or null. */
  setOption(name: string, value: number | string): string | null;
  /** Reads a local encoder option, or undefined if the codec has no such option. */
  getOption(name: string): number | string | undefined;
  reset(): void;
}

export interface Decoder {
  readonly format: StreamFormat;
  /** Decodes one block's payload into planar `out`; returns false on corrupt data (the caller conceals). */
  decode(payload: Uint8Array, offset: number, length: number, out: Float32Array): boolean;
  /** Packet-loss concealment: fills `out` with a plausible continuation (silence for PCM). */
  conceal(out: Float32Array): void;
  reset(): void;
}

export interface Codec {
  readonly name: string;
  /** The format with the spec's validation rules applied (bad values replaced by defaults). */
  validate(format: StreamFormat): StreamFormat;
  createEncoder(format: StreamFormat): Encoder;
  createDecoder(format: StreamFormat): Decoder;
}
