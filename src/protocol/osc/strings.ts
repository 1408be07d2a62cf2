/** UTF-8 helpers for OSC strings. ASCII (all of AOO's addresses and most names) takes a fast path. */

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Length of `s` in UTF-8 bytes, without a terminator. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3; // lone surrogate: encoded as U+FFFD (3 bytes)
    } else n += 3;
  }
  return n;
}

/** Writes `s` as UTF-8 at `pos`; returns the byte count. The caller checked the room. */
export function writeUtf8(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return utf8Encoder.encodeInto(s, buf.subarray(pos)).written;
    buf[pos + i] = c;
  }
  return s.length;
}

/** Decodes `len` bytes at `pos`; undefined when they are not valid UTF-8. */
export function readUtf8(buf: Uint8Array, pos: number, len: number): string | undefined {
  let ascii = true;
  for (let i = 0; i < len; i++) {
    if (buf[pos + i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    if (len < 64) {
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(buf[pos + i]!);
      return s;
    }
    return String.fromCharCode.apply(null, buf.subarray(pos, pos + len) as unknown as number[]);
  }
  try {
    return utf8Decoder.decode(buf.subarray(pos, pos + len));
  } catch {
    return undefined;
  }
}

export function pad4(n: number): number {
  return (n + 3) & ~3;
}
