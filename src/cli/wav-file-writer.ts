/** A float32 WAV file written while it is recorded, so a long `receive` does not keep its audio in memory. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeWav } from '../util/wav.ts';

const HEADER_BYTES = 44;
/** Offsets of the RIFF chunk size and the data chunk size in the canonical header. */
const RIFF_SIZE_AT = 4;
const DATA_SIZE_AT = 40;
/** Sizes while recording, and for recordings too long for 32 bits: "unknown", as streaming tools write. */
const UNKNOWN_SIZE = 0xffffffff;
const BUFFER_FRAMES = 8192;

export class WavFileWriter {
  private readonly fd: number;
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private used = 0;
  private dataBytes = 0;

  /** Creates (or truncates) `path`; throws if it cannot. */
  constructor(
    path: string,
    private readonly channels: number,
    sampleRate: number,
  ) {
    const header = encodeWav({ sampleRate, channels: Array.from({ length: channels }, () => new Float32Array(0)) });
    const v = new DataView(header.buffer, header.byteOffset, header.byteLength);
    v.setUint32(RIFF_SIZE_AT, UNKNOWN_SIZE, true);
    v.setUint32(DATA_SIZE_AT, UNKNOWN_SIZE, true);
    this.fd = openSync(path, 'w');
    writeSync(this.fd, header);
    this.buffer = new Uint8Array(BUFFER_FRAMES * channels * 4);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Samples per channel written so far. */
  get frames(): number {
    return (this.dataBytes + this.used) / (this.channels * 4);
  }

  /** Appends one planar block of `frames` samples per channel. */
  write(block: Float32Array, frames: number): void {
    for (let i = 0; i < frames; i++) {
      if (this.used === this.buffer.length) this.flush();
      for (let ch = 0; ch < this.channels; ch++) {
        this.view.setFloat32(this.used, block[ch * frames + i]!, true);
        this.used += 4;
      }
    }
  }

  /** Writes what is buffered, puts the sizes into the header and closes the file. */
  close(): void {
    try {
      this.flush();
      const sizes = new DataView(new ArrayBuffer(4));
      const put = (value: number, at: number) => {
        sizes.setUint32(0, Math.min(value, UNKNOWN_SIZE), true);
        writeSync(this.fd, new Uint8Array(sizes.buffer), 0, 4, at);
      };
      put(HEADER_BYTES - 8 + this.dataBytes, RIFF_SIZE_AT);
      put(this.dataBytes, DATA_SIZE_AT);
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    writeSync(this.fd, this.buffer, 0, this.used);
    this.dataBytes += this.used;
    this.used = 0;
  }
}
