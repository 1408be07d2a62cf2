import { type OscError, oscError } from './error.ts';
import { pad4, utf8Length, writeUtf8 } from './strings.ts';

/**
 * Writes one OSC message into a caller-provided buffer, allocating nothing for ASCII text.
 *
 * `begin(buf, offset, address, tags)` writes the address and the type tags; then one call per
 * tag, in order (`nil()` for `N`); `end()` returns the message length, or an error when the
 * buffer was too small or the calls did not match the tags. Nothing here throws.
 */
export class OscWriter {
  private buf: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.buf.buffer);
  private start = 0;
  private pos = 0;
  private tags = '';
  private argIndex = 0;
  error: OscError | null = null;

  begin(buf: Uint8Array, offset: number, address: string, tags: string): this {
    if (this.buf !== buf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.buf = buf;
    this.start = offset;
    this.pos = offset;
    this.tags = tags;
    this.argIndex = 0;
    this.error = null;
    this.rawString(address);
    if (this.room(pad4(tags.length + 2))) {
      this.buf[this.pos] = 0x2c;
      this.pos += 1 + writeUtf8(this.buf, this.pos + 1, tags);
      this.buf[this.pos++] = 0;
      this.zeroPad();
    }
    return this;
  }

  int(v: number): this {
    if (this.expect('i', 4)) {
      this.view.setInt32(this.pos, v | 0);
      this.pos += 4;
    }
    return this;
  }

  float(v: number): this {
    if (this.expect('f', 4)) {
      this.view.setFloat32(this.pos, v);
      this.pos += 4;
    }
    return this;
  }

  double(v: number): this {
    if (this.expect('d', 8)) {
      this.view.setFloat64(this.pos, v);
      this.pos += 8;
    }
    return this;
  }

  int64(v: bigint): this {
    if (this.expect('h', 8)) {
      this.view.setBigInt64(this.pos, BigInt.asIntN(64, v));
      this.pos += 8;
    }
    return this;
  }

  time(v: bigint): this {
    if (this.expect('t', 8)) {
      this.view.setBigUint64(this.pos, BigInt.asUintN(64, v));
      this.pos += 8;
    }
    return this;
  }

  string(s: string): this {
    if (this.expect('s', 0)) this.rawString(s);
    return this;
  }

  /** A blob from `bytes[offset, offset+length)`. */
  blob(bytes: Uint8Array, offset = 0, length = bytes.length - offset): this {
    if (this.expect('b', 4 + pad4(length))) {
      this.view.setInt32(this.pos, length);
      this.pos += 4;
      for (let i = 0; i < length; i++) this.buf[this.pos + i] = bytes[offset + i]!;
      this.pos += length;
      this.zeroPad();
    }
    return this;
  }

  nil(): this {
    this.expect('N', 0);
    return this;
  }

  bool(v: boolean): this {
    this.expect(v ? 'T' : 'F', 0);
    return this;
  }

  /** Total length of the message written since `begin`, or the first error. */
  end(): number | OscError {
    if (this.error === null && this.argIndex !== this.tags.length) {
      this.error = oscError('missing-argument', this.pos, `wrote ${this.argIndex} of ${this.tags.length} arguments`);
    }
    return this.error ?? this.pos - this.start;
  }

  private expect(tag: string, size: number): boolean {
    if (this.error !== null) return false;
    if (this.tags[this.argIndex] !== tag) {
      this.error = oscError(
        this.argIndex >= this.tags.length ? 'extra-arguments' : 'type-mismatch',
        this.pos,
        `argument ${this.argIndex + 1}: tag "${this.tags[this.argIndex] ?? ''}" written as "${tag}"`,
      );
      return false;
    }
    this.argIndex++;
    return this.room(size);
  }

  private rawString(s: string): void {
    const n = utf8Length(s);
    if (!this.room(pad4(n + 1))) return;
    this.pos += writeUtf8(this.buf, this.pos, s);
    this.buf[this.pos++] = 0;
    this.zeroPad();
  }

  private zeroPad(): void {
    while ((this.pos - this.start) & 3) this.buf[this.pos++] = 0;
  }

  private room(size: number): boolean {
    if (this.error !== null) return false;
    if (this.pos + size > this.buf.length) {
      this.error = oscError('overflow', this.pos, `needs ${this.pos + size - this.start} bytes, buffer has ${this.buf.length - this.start}`);
      return false;
    }
    return true;
  }
}
