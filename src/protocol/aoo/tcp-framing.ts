/**
 * TCP framing (wire-spec §11.2): every OSC message is preceded by its length as int32 big-endian,
 * not counting the 4 prefix bytes. No SLIP, no bundles.
 */

export const TCP_PREFIX_SIZE = 4;
export const DEFAULT_MAX_TCP_FRAME = 1 << 20;

export type TcpFrameErrorKind = 'bad-length' | 'too-large' | 'not-osc';

export interface TcpFrameError {
  readonly kind: TcpFrameErrorKind;
  /** The length prefix as read (signed). */
  readonly length: number;
  readonly detail: string;
}

export function isTcpFrameError(x: Uint8Array | TcpFrameError | undefined): x is TcpFrameError {
  return x !== undefined && !(x instanceof Uint8Array);
}

/** Writes the length prefix and `msg` at `out[offset]`; returns the bytes written, or -1 if they don't fit. */
export function frameTcpMessage(msg: Uint8Array, out: Uint8Array, offset: number): number {
  const total = TCP_PREFIX_SIZE + msg.length;
  if (!Number.isInteger(offset) || offset < 0 || offset + total > out.length) return -1;
  new DataView(out.buffer, out.byteOffset + offset, TCP_PREFIX_SIZE).setUint32(0, msg.length);
  out.set(msg, offset + TCP_PREFIX_SIZE);
  return total;
}

const INITIAL_SIZE = 4096;
// After a big frame has drained, give the memory back rather than keep it per connection.
const SHRINK_ABOVE = 64 * 1024;

export interface TcpReassemblerOptions {
  /** Largest accepted message length (without prefix); default 1 MiB. */
  readonly maxFrameLength?: number;
}

/**
 * Cuts a TCP byte stream into frames. Feed it with push(), then call next() until it returns undefined.
 * On a bad frame next() returns the error once; the reassembler then stays failed (ignores further
 * input, yields nothing) and the caller should close the connection.
 */
export class TcpReassembler {
  readonly maxFrameLength: number;
  private buf = new Uint8Array(INITIAL_SIZE);
  private view = new DataView(this.buf.buffer);
  private readPos = 0;
  private writePos = 0;
  private error: TcpFrameError | undefined;

  constructor(options: TcpReassemblerOptions = {}) {
    const max = options.maxFrameLength;
    this.maxFrameLength = max !== undefined && Number.isSafeInteger(max) && max >= 4 ? max : DEFAULT_MAX_TCP_FRAME;
  }

  /** The error that stopped this reassembler, if any. */
  get failed(): TcpFrameError | undefined {
    return this.error;
  }

  /** Bytes received but not yet returned as frames. */
  get buffered(): number {
    return this.writePos - this.readPos;
  }

  push(chunk: Uint8Array): void {
    if (this.error || chunk.length === 0) return;
    this.reserve(chunk.length);
    this.buf.set(chunk, this.writePos);
    this.writePos += chunk.length;
  }

  /** The next complete frame (a copy, without prefix), an error, or undefined if more input is needed. */
  next(): Uint8Array | TcpFrameError | undefined {
    if (this.error) return undefined;
    const available = this.writePos - this.readPos;
    if (available < TCP_PREFIX_SIZE) return undefined;
    const length = this.view.getInt32(this.readPos);
    // Checked as soon as the prefix (and first byte) is in, so a bad peer is dropped without buffering.
    if (length <= 0 || length % 4 !== 0) {
      return this.fail('bad-length', length, `length ${length} is not a positive multiple of 4`);
    }
    if (length > this.maxFrameLength) {
      return this.fail('too-large', length, `length ${length} exceeds the maximum ${this.maxFrameLength}`);
    }
    if (available > TCP_PREFIX_SIZE && this.buf[this.readPos + TCP_PREFIX_SIZE] !== 0x2f) {
      const first = this.buf[this.readPos + TCP_PREFIX_SIZE]!;
      return this.fail('not-osc', length, `message starts with byte 0x${first.toString(16).padStart(2, '0')}, not '/'`);
    }
    if (available < TCP_PREFIX_SIZE + length) return undefined;
    const start = this.readPos + TCP_PREFIX_SIZE;
    const frame = this.buf.slice(start, start + length);
    this.readPos = start + length;
    if (this.readPos === this.writePos) {
      this.readPos = this.writePos = 0;
      if (this.buf.length > SHRINK_ABOVE) this.setBuffer(new Uint8Array(INITIAL_SIZE));
    }
    return frame;
  }

  *[Symbol.iterator](): Generator<Uint8Array | TcpFrameError, void, undefined> {
    for (let f = this.next(); f !== undefined; f = this.next()) yield f;
  }

  private fail(kind: TcpFrameErrorKind, length: number, detail: string): TcpFrameError {
    this.error = { kind, length, detail };
    this.setBuffer(new Uint8Array(0));
    this.readPos = this.writePos = 0;
    return this.error;
  }

  private setBuffer(buf: Uint8Array<ArrayBuffer>): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer);
  }

  /**
   * Makes room for `n` more bytes. Compacts only when the unread part is at most half the buffer,
   * otherwise grows (doubling), so each byte is copied O(1) times on average.
   */
  private reserve(n: number): void {
    if (this.writePos + n <= this.buf.length) return;
    const pending = this.writePos - this.readPos;
    if (pending + n <= this.buf.length && pending <= this.buf.length / 2) {
      this.buf.copyWithin(0, this.readPos, this.writePos);
    } else {
      let size = Math.max(INITIAL_SIZE, this.buf.length * 2);
      while (size < pending + n) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(this.readPos, this.writePos));
      this.setBuffer(grown);
    }
    this.readPos = 0;
    this.writePos = pending;
  }
}
