/**
 * Opus packet framing (RFC 6716 §3 and Appendix B), enough to join mono packets into what
 * libopus calls a multistream packet and to split one apart again: every stream but the
 * last is in self-delimited form, which adds the (otherwise implicit) size of the last
 * frame right after the code-specific header.
 */

/** Largest frame the size field can express (and the largest Opus frame). */
const MAX_FRAME_BYTES = 1275;

/** Samples per frame of a packet with this TOC byte, at `sampleRate` (libopus `opus_packet_get_samples_per_frame`). */
export function tocFrameSamples(toc: number, sampleRate: number): number {
  if (toc & 0x80) return (sampleRate << ((toc >> 3) & 3)) / 400; // CELT: 2.5, 5, 10, 20 ms
  if ((toc & 0x60) === 0x60) return toc & 0x08 ? sampleRate / 50 : sampleRate / 100; // hybrid: 10, 20 ms
  const size = (toc >> 3) & 3; // SILK: 10, 20, 40, 60 ms
  return size === 3 ? (sampleRate * 60) / 1000 : (sampleRate << size) / 100;
}

/** Frames in the normal packet `buf[start, end)`, or -1 if that cannot be read. */
export function packetFrameCount(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 1) return -1;
  const code = buf[start]! & 3;
  if (code === 0) return 1;
  if (code !== 3) return 2;
  return end - start < 2 ? -1 : buf[start + 1]! & 0x3f || -1;
}

/** Reads a 1- or 2-byte frame size (RFC 6716 §3.2.1); returns `bytes << 16 | size`, or -1. */
function readSize(buf: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return -1;
  const b0 = buf[pos]!;
  if (b0 < 252) return (1 << 16) | b0;
  if (pos + 1 >= end) return -1;
  return (2 << 16) | (4 * buf[pos + 1]! + b0);
}

function sizeBytes(size: number): number {
  return size < 252 ? 1 : 2;
}

function writeSize(size: number, out: Uint8Array, pos: number): number {
  if (size < 252) {
    out[pos] = size;
    return 1;
  }
  const b0 = 252 + (size & 3);
  out[pos] = b0;
  out[pos + 1] = (size - b0) >> 2;
  return 2;
}

/**
 * Writes the normal packet `packet[0, len)` in self-delimited form to `out` at `offset`.
 * Returns the bytes written, or -1 if the packet is malformed or `out` is too small.
 */
export function writeSelfDelimited(packet: Uint8Array, len: number, out: Uint8Array, offset: number): number {
  if (len < 1) return -1;
  let headerEnd = 1;
  let last: number;
  switch (packet[0]! & 3) {
    case 0:
      last = len - 1;
      break;
    case 1:
      if ((len - 1) & 1) return -1;
      last = (len - 1) / 2;
      break;
    case 2: {
      const s = readSize(packet, 1, len);
      if (s < 0) return -1;
      headerEnd += s >>> 16;
      last = len - headerEnd - (s & 0xffff);
      break;
    }
    default: {
      if (len < 2) return -1;
      const ch = packet[1]!;
      const count = ch & 0x3f;
      if (count === 0) return -1;
      let pos = 2;
      let pad = 0;
      if (ch & 0x40) {
        let p: number;
        do {
          if (pos >= len) return -1;
          p = packet[pos++]!;
          pad += p === 255 ? 254 : p;
        } while (p === 255);
      }
      let rest = len - pos - pad;
      if (ch & 0x80) {
        for (let i = 0; i < count - 1; i++) {
          const s = readSize(packet, pos, len);
          if (s < 0) return -1;
          pos += s >>> 16;
          rest -= (s >>> 16) + (s & 0xffff);
        }
        last = rest;
      } else {
        if (rest < 0 || rest % count !== 0) return -1;
        last = rest / count;
      }
      headerEnd = pos;
    }
  }
  if (last < 0 || last > MAX_FRAME_BYTES) return -1;
  const extra = sizeBytes(last);
  if (offset < 0 || offset + len + extra > out.length) return -1;
  let o = offset;
  for (let i = 0; i < headerEnd; i++) out[o++] = packet[i]!;
  o += writeSize(last, out, o);
  for (let i = headerEnd; i < len; i++) out[o++] = packet[i]!;
  return len + extra;
}

/** Copies the normal packet `packet[0, len)` to `out` at `offset`; returns `len`, or -1 if `out` is too small. */
export function copyPacket(packet: Uint8Array, len: number, out: Uint8Array, offset: number): number {
  if (len < 1 || offset < 0 || offset + len > out.length) return -1;
  for (let i = 0; i < len; i++) out[offset + i] = packet[i]!;
  return len;
}

/** Where the self-delimited packet found by {@link parseSelfDelimited} lies (absolute offsets). */
export interface SelfDelimitedLayout {
  /** Offset of the extra size field; the normal packet is the bytes around it. */
  sizeAt: number;
  sizeBytes: number;
  /** End of the packet, padding included (exclusive). */
  end: number;
  frames: number;
}

/**
 * Finds the self-delimited packet at the start of `buf[start, end)`. Mirrors libopus
 * `opus_packet_parse_impl(self_delimited = 1)`, including its checks. Returns false if malformed.
 */
export function parseSelfDelimited(buf: Uint8Array, start: number, end: number, out: SelfDelimitedLayout): boolean {
  let len = end - start - 1;
  if (len < 0) return false;
  let pos = start + 1;
  let count = 1;
  let cbr = false;
  let lastSize = len; // bytes left for the last frame (VBR), as libopus counts them
  let others = 0; // bytes of all frames but the last (VBR)
  let pad = 0;
  switch (buf[start]! & 3) {
    case 0:
      break;
    case 1:
      count = 2;
      cbr = true;
      break;
    case 2: {
      count = 2;
      const s = readSize(buf, pos, pos + len);
      if (s < 0) return false;
      const n1 = s & 0xffff;
      len -= s >>> 16;
      pos += s >>> 16;
      if (n1 > len) return false;
      others = n1;
      lastSize = len - n1;
      break;
    }
    default: {
      if (len < 1) return false;
      const ch = buf[pos++]!;
      len--;
      count = ch & 0x3f;
      if (count === 0) return false;
      if (ch & 0x40) {
        let p: number;
        do {
          if (len <= 0) return false;
          p = buf[pos++]!;
          len--;
          const n = p === 255 ? 254 : p;
          len -= n;
          pad += n;
        } while (p === 255);
      }
      if (len < 0) return false;
      cbr = (ch & 0x80) === 0;
      if (!cbr) {
        lastSize = len;
        for (let i = 0; i < count - 1; i++) {
          const s = readSize(buf, pos, pos + len);
          if (s < 0) return false;
          const n = s & 0xffff;
          len -= s >>> 16;
          if (n > len) return false;
          pos += s >>> 16;
          others += n;
          lastSize -= (s >>> 16) + n;
        }
        if (lastSize < 0) return false;
      }
    }
  }
  const sizeAt = pos;
  const s = readSize(buf, pos, pos + len);
  if (s < 0) return false;
  const bytes = s >>> 16;
  const last = s & 0xffff;
  len -= bytes;
  pos += bytes;
  if (last > len) return false;
  let data: number;
  if (cbr) {
    if (last * count > len) return false;
    data = last * count;
  } else {
    if (bytes + last > lastSize) return false;
    data = others + last;
  }
  const packetEnd = pos + data + pad;
  if (packetEnd > end) return false;
  out.sizeAt = sizeAt;
  out.sizeBytes = bytes;
  out.end = packetEnd;
  out.frames = count;
  return true;
}

/**
 * A packet that makes the decoder conceal `frameCount` frames of the duration `toc` codes:
 * code 0 with an empty frame, or code 3 (CBR, no padding) with `frameCount` empty frames.
 * libopus conceals an empty frame, taking its length from the TOC.
 */
export function concealmentPacket(toc: number, frameCount: number): Uint8Array {
  return frameCount === 1 ? Uint8Array.of(toc & 0xfc) : Uint8Array.of((toc & 0xfc) | 3, frameCount);
}
