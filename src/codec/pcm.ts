/** PCM codec (spec §10.1): interleaved big-endian samples, no header, no latency. */
import type { Codec, Decoder, Encoder, StreamFormat } from './codec.ts';
import { int32Extension, readInt32Extension, validateCommon } from './format.ts';

export const PcmBitDepth = { int8: 0, int16: 1, int24: 2, float32: 3, float64: 4 } as const;
export type PcmBitDepth = (typeof PcmBitDepth)[keyof typeof PcmBitDepth];

const SAMPLE_BYTES = [1, 2, 3, 4, 8] as const;
const DEPTH_NAMES = ['int8', 'int16', 'int24', 'float32', 'float64'] as const;

/** The bit depth of an extension blob; missing, short or out-of-range → float32 (we accept 0…4 only). */
export function pcmBitDepthOf(extension: Uint8Array): PcmBitDepth {
  const value = readInt32Extension(extension);
  return value !== undefined && value >= 0 && value <= 4 ? (value as PcmBitDepth) : PcmBitDepth.float32;
}

export function pcmBitDepthName(depth: PcmBitDepth): string {
  return DEPTH_NAMES[depth];
}

export function pcmExtension(depth: PcmBitDepth): Uint8Array {
  return int32Extension(depth);
}

function validate(format: StreamFormat): StreamFormat {
  return { codec: 'pcm', ...validateCommon(format), extension: pcmExtension(pcmBitDepthOf(format.extension)) };
}

/** C `rint` in the default rounding mode: ties go to the even neighbour. */
function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function quantize(x: number, scale: number, min: number, max: number): number {
  const v = rint(x * scale);
  return v < min ? min : v > max ? max : v || 0; // `|| 0` turns NaN (and -0) into 0
}

/** Caches one DataView per distinct ArrayBuffer, so steady-state coding allocates nothing. */
class ViewCache {
  private buffer: ArrayBufferLike | undefined;
  private view: DataView | undefined;

  get(bytes: Uint8Array): DataView {
    if (this.buffer !== bytes.buffer || this.view === undefined) {
      this.buffer = bytes.buffer;
      this.view = new DataView(bytes.buffer);
    }
    return this.view;
  }
}

class PcmEncoder implements Encoder {
  readonly format: StreamFormat;
  readonly delay = 0;
  readonly maxBlockBytes: number;
  private readonly depth: PcmBitDepth;
  private readonly views = new ViewCache();

  constructor(format: StreamFormat) {
    this.format = validate(format);
    this.depth = pcmBitDepthOf(this.format.extension);
    this.maxBlockBytes = this.format.channels * this.format.blockSize * SAMPLE_BYTES[this.depth];
  }

  encode(block: Float32Array, out: Uint8Array, offset: number): number {
    const { channels, blockSize } = this.format;
    const bytes = this.maxBlockBytes;
    if (block.length < channels * blockSize || offset < 0 || offset + bytes > out.length) return -1;
    let p = offset;
    switch (this.depth) {
      case PcmBitDepth.int8:
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++) out[p++] = quantize(block[c * blockSize + i]!, 127, -128, 127);
        }
        break;
      case PcmBitDepth.int16:
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++) {
            const v = quantize(block[c * blockSize + i]!, 32767, -32768, 32767);
            out[p++] = v >> 8;
            out[p++] = v;
          }
        }
        break;
      case PcmBitDepth.int24:
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++) {
            // top three bytes of the int32 value; the low byte is dropped, not rounded (as the reference)
            const v = quantize(block[c * blockSize + i]!, 2147483647, -2147483648, 2147483647);
            out[p++] = v >> 24;
            out[p++] = v >> 16;
            out[p++] = v >> 8;
          }
        }
        break;
      case PcmBitDepth.float32: {
        const view = this.views.get(out);
        p += out.byteOffset;
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++, p += 4) view.setFloat32(p, block[c * blockSize + i]!, false);
        }
        break;
      }
      case PcmBitDepth.float64: {
        const view = this.views.get(out);
        p += out.byteOffset;
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++, p += 8) view.setFloat64(p, block[c * blockSize + i]!, false);
        }
        break;
      }
    }
    return bytes;
  }

  setOption(name: string): string | null {
    return `pcm has no option '${name}'`;
  }

  getOption(): undefined {
    return undefined;
  }

  reset(): void {}
}

class PcmDecoder implements Decoder {
  readonly format: StreamFormat;
  private readonly depth: PcmBitDepth;
  private readonly blockBytes: number;
  private readonly views = new ViewCache();

  constructor(format: StreamFormat) {
    this.format = validate(format);
    this.depth = pcmBitDepthOf(this.format.extension);
    this.blockBytes = this.format.channels * this.format.blockSize * SAMPLE_BYTES[this.depth];
  }

  decode(payload: Uint8Array, offset: number, length: number, out: Float32Array): boolean {
    const { channels, blockSize } = this.format;
    // A short payload is refused outright: the reference would leave the rest of the block uninitialised.
    if (length < this.blockBytes || offset < 0 || offset + this.blockBytes > payload.length) return false;
    if (out.length < channels * blockSize) return false;
    let p = offset;
    switch (this.depth) {
      case PcmBitDepth.int8:
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++) out[c * blockSize + i] = ((payload[p++]! << 24) >> 24) / 127;
        }
        break;
      case PcmBitDepth.int16:
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++, p += 2) {
            out[c * blockSize + i] = (((payload[p]! << 24) | (payload[p + 1]! << 16)) >> 16) / 32767;
          }
        }
        break;
      case PcmBitDepth.int24:
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++, p += 3) {
            out[c * blockSize + i] =
              ((payload[p]! << 24) | (payload[p + 1]! << 16) | (payload[p + 2]! << 8)) / 2147483647;
          }
        }
        break;
      case PcmBitDepth.float32: {
        const view = this.views.get(payload);
        p += payload.byteOffset;
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++, p += 4) out[c * blockSize + i] = view.getFloat32(p, false);
        }
        break;
      }
      case PcmBitDepth.float64: {
        const view = this.views.get(payload);
        p += payload.byteOffset;
        for (let i = 0; i < blockSize; i++) {
          for (let c = 0; c < channels; c++, p += 8) out[c * blockSize + i] = view.getFloat64(p, false);
        }
        break;
      }
    }
    return true;
  }

  conceal(out: Float32Array): void {
    out.fill(0, 0, this.format.channels * this.format.blockSize);
  }

  reset(): void {}
}

export const pcmCodec: Codec = {
  name: 'pcm',
  validate,
  createEncoder: (format) => new PcmEncoder(format),
  createDecoder: (format) => new PcmDecoder(format),
};
