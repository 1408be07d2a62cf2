import { type OscError, type OscErrorKind, oscError } from './error.ts';
import { pad4, readUtf8 } from './strings.ts';

/** Type tags this codec understands (OSC 1.0 plus the common h/d/N/T/F extensions). */
const KNOWN_TAGS = new Set(['i', 'f', 's', 'b', 't', 'd', 'h', 'N', 'T', 'F']);

/**
 * Strict, cursor-style reader of one OSC message, reading in place from the datagram.
 *
 * Arguments are read in order with typed getters (`int()`, `string()`, …). A getter whose
 * tag does not match (oscpack's rule: `i` is not `f`, `s` is not `S`) or that runs past the
 * end records the first error and returns a neutral value; callers check `error` once at
 * the end. Nothing here throws.
 */
export class OscReader {
  bytes: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.bytes.buffer);
  private start = 0;
  private end = 0;
  private addrEnd = 0;
  private tagStart = 0; // first tag character (after ',')
  private tagCount = 0;
  private argIndex = 0;
  private pos = 0;
  error: OscError | null = null;

  /** Parses the address and the type tags of the message in `bytes[offset, offset+length)`. */
  reset(bytes: Uint8Array, offset = 0, length = bytes.length - offset): OscError | null {
    if (this.bytes !== bytes) {
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.bytes = bytes;
    this.start = offset;
    this.end = offset + length;
    this.error = null;
    this.argIndex = 0;
    this.tagCount = 0;
    if (length < 4 || bytes[offset] !== 0x2f) {
      return this.fail(length < 1 ? 'truncated' : 'not-a-message', offset, 'an OSC message starts with "/"');
    }
    const addrLen = this.stringLength(offset);
    if (addrLen < 0) return this.error;
    this.addrEnd = offset + addrLen;
    const tagPos = offset + pad4(addrLen + 1);
    if (tagPos >= this.end) {
      // no type-tag string: accepted as a message without arguments (old senders)
      this.tagStart = tagPos;
      this.pos = tagPos;
      return null;
    }
    if (bytes[tagPos] !== 0x2c) return this.fail('bad-typetag', tagPos, 'type-tag string must start with ","');
    const tagLen = this.stringLength(tagPos);
    if (tagLen < 0) return this.error;
    this.tagStart = tagPos + 1;
    this.tagCount = tagLen - 1;
    for (let i = 0; i < this.tagCount; i++) {
      const c = String.fromCharCode(bytes[this.tagStart + i]!);
      if (!KNOWN_TAGS.has(c)) return this.fail('bad-typetag', this.tagStart + i, `unsupported type tag "${c}"`);
    }
    this.pos = tagPos + pad4(tagLen + 1);
    return null;
  }

  /** The address pattern, e.g. "/aoo/sink/2/data". */
  address(): string {
    return readUtf8(this.bytes, this.start, this.addrEnd - this.start) ?? '';
  }

  /** Byte offset of the address's first byte and its length (for routing without a string). */
  get addressStart(): number {
    return this.start;
  }
  get addressLength(): number {
    return this.addrEnd - this.start;
  }

  /** The type tags (without the leading ','). */
  typeTags(): string {
    return readUtf8(this.bytes, this.tagStart, this.tagCount) ?? '';
  }

  get argumentCount(): number {
    return this.tagCount;
  }

  /** Arguments not read yet. */
  get remaining(): number {
    return this.tagCount - this.argIndex;
  }

  /** Tag of the next argument, or '' when there are none left. */
  peek(): string {
    return this.argIndex < this.tagCount ? String.fromCharCode(this.bytes[this.tagStart + this.argIndex]!) : '';
  }

  /** True (and consumes it) when the next argument is nil. */
  nil(): boolean {
    if (this.argIndex < this.tagCount && this.bytes[this.tagStart + this.argIndex] === 0x4e) {
      this.argIndex++;
      return true;
    }
    return false;
  }

  int(): number {
    if (!this.take(0x69, 4)) return 0;
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  float(): number {
    if (!this.take(0x66, 4)) return 0;
    const v = this.view.getFloat32(this.pos);
    this.pos += 4;
    return v;
  }

  double(): number {
    if (!this.take(0x64, 8)) return 0;
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  int64(): bigint {
    if (!this.take(0x68, 8)) return 0n;
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  /** An OSC timetag as an unsigned 64-bit NTP value. */
  time(): bigint {
    if (!this.take(0x74, 8)) return 0n;
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  /** `T` or `F`. */
  bool(): boolean {
    const tag = this.peek();
    if (tag !== 'T' && tag !== 'F') {
      this.mismatch('T or F');
      return false;
    }
    this.argIndex++;
    return tag === 'T';
  }

  string(): string {
    if (!this.take(0x73, 1)) return '';
    const len = this.stringLength(this.pos);
    if (len < 0) return '';
    const s = readUtf8(this.bytes, this.pos, len);
    if (s === undefined) {
      this.fail('bad-utf8', this.pos, 'string is not valid UTF-8');
      return '';
    }
    this.pos += pad4(len + 1);
    return s;
  }

  /** A blob as a view into the datagram (no copy). */
  blob(): Uint8Array {
    const at = this.blobRange();
    return at < 0 ? EMPTY : this.bytes.subarray(at, at + this.lastBlobSize);
  }

  /** Reads a blob and returns the offset of its content in `bytes` (size in `lastBlobSize`); -1 on error. */
  blobRange(): number {
    if (!this.take(0x62, 4)) return -1;
    const size = this.view.getInt32(this.pos);
    if (size < 0) {
      this.fail('bad-size', this.pos, `negative blob size ${size}`);
      return -1;
    }
    const at = this.pos + 4;
    if (at + size > this.end) {
      this.fail('truncated', this.pos, `blob of ${size} bytes runs past the end`);
      return -1;
    }
    this.pos = at + pad4(size);
    this.lastBlobSize = size;
    return at;
  }
  lastBlobSize = 0;

  /** Records an error unless all arguments were read. */
  finish(): OscError | null {
    if (this.error === null && this.argIndex < this.tagCount) {
      this.fail('extra-arguments', this.pos, `${this.tagCount - this.argIndex} unread argument(s)`);
    }
    return this.error;
  }

  /** Marks the message as invalid for a reason found by the caller (e.g. a value out of range). */
  reject(kind: OscErrorKind, detail: string): void {
    this.fail(kind, this.pos, detail);
  }

  private take(tag: number, size: number): boolean {
    if (this.error !== null) return false;
    if (this.argIndex >= this.tagCount) {
      this.fail('missing-argument', this.pos, `argument ${this.argIndex + 1} is missing`);
      return false;
    }
    const actual = this.bytes[this.tagStart + this.argIndex]!;
    if (actual !== tag) {
      this.mismatch(String.fromCharCode(tag));
      return false;
    }
    if (this.pos + size > this.end) {
      this.fail('truncated', this.pos, `argument ${this.argIndex + 1} runs past the end`);
      return false;
    }
    this.argIndex++;
    return true;
  }

  private mismatch(expected: string): void {
    if (this.error !== null) return;
    if (this.argIndex >= this.tagCount) {
      this.fail('missing-argument', this.pos, `argument ${this.argIndex + 1} is missing`);
      return;
    }
    const actual = String.fromCharCode(this.bytes[this.tagStart + this.argIndex]!);
    this.fail('type-mismatch', this.pos, `argument ${this.argIndex + 1}: expected "${expected}", got "${actual}"`);
  }

  /** Length of the NUL-terminated string at `pos` (without the NUL); -1 and an error if it is not terminated. */
  private stringLength(pos: number): number {
    for (let i = pos; i < this.end; i++) {
      if (this.bytes[i] === 0) {
        const len = i - pos;
        if (pos + pad4(len + 1) > this.end) {
          this.fail('bad-string', pos, 'string padding runs past the end');
          return -1;
        }
        return len;
      }
    }
    this.fail('bad-string', pos, 'string has no NUL terminator');
    return -1;
  }

  private fail(kind: OscErrorKind, offset: number, detail: string): OscError {
    if (this.error === null) this.error = oscError(kind, offset, detail);
    return this.error;
  }
}

const EMPTY = new Uint8Array(0);
