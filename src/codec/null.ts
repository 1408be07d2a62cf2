/** Null codec (spec §10.3): no audio on the wire, for message-only streams. */
import type { Codec, Decoder, Encoder, StreamFormat } from './codec.ts';
import { validateCommon } from './format.ts';

const EMPTY = new Uint8Array(0);

function validate(format: StreamFormat): StreamFormat {
  return { codec: 'null', ...validateCommon(format), extension: EMPTY };
}

class NullEncoder implements Encoder {
  readonly format: StreamFormat;
  readonly delay = 0;
  readonly maxBlockBytes = 0;

  constructor(format: StreamFormat) {
    this.format = validate(format);
  }

  encode(): number {
    return 0;
  }

  setOption(name: string): string | null {
    return `null has no option '${name}'`;
  }

  getOption(): undefined {
    return undefined;
  }

  reset(): void {}
}

class NullDecoder implements Decoder {
  readonly format: StreamFormat;

  constructor(format: StreamFormat) {
    this.format = validate(format);
  }

  decode(_payload: Uint8Array, _offset: number, _length: number, out: Float32Array): boolean {
    this.conceal(out);
    return true;
  }

  conceal(out: Float32Array): void {
    out.fill(0, 0, this.format.channels * this.format.blockSize);
  }

  reset(): void {}
}

export const nullCodec: Codec = {
  name: 'null',
  validate,
  createEncoder: (format) => new NullEncoder(format),
  createDecoder: (format) => new NullDecoder(format),
};
