import { ViewCache } from './binary-header.ts';

/**
 * The stream-message section at the start of a block (spec §5.3):
 * u32 count, then per message u16 sample offset, u16 channel, u16 type, u16 size, data, pad to 4.
 */
export interface StreamMessage {
  /** Sample offset within the block, at the format sample rate. */
  readonly offset: number;
  readonly channel: number;
  /** Data type; stored as int16 on the wire, so -1 survives as 0xFFFF. */
  readonly type: number;
  readonly data: Uint8Array;
}

const views = new ViewCache();

export function streamMessageSectionSize(messages: readonly StreamMessage[]): number {
  let n = 4;
  for (const m of messages) n += 8 + ((m.data.length + 3) & ~3);
  return n;
}

/** Writes the section; returns its size, or -1 if it does not fit or a message is too large. */
export function writeStreamMessages(buf: Uint8Array, offset: number, messages: readonly StreamMessage[]): number {
  const size = streamMessageSectionSize(messages);
  if (offset + size > buf.length) return -1;
  const view = views.of(buf);
  view.setUint32(offset, messages.length);
  let p = offset + 4;
  for (const m of messages) {
    if (m.data.length > 0xffff) return -1;
    view.setUint16(p, m.offset);
    view.setUint16(p + 2, m.channel);
    view.setInt16(p + 4, m.type);
    view.setUint16(p + 6, m.data.length);
    buf.set(m.data, p + 8);
    const padded = (m.data.length + 3) & ~3;
    buf.fill(0, p + 8 + m.data.length, p + 8 + padded);
    p += 8 + padded;
  }
  return size;
}

/**
 * Reads the section in `bytes[offset, offset+size)`, calling `onMessage` for each message
 * (data is a view into `bytes`). Returns an error text for a malformed section, or null.
 */
export function readStreamMessages(
  bytes: Uint8Array,
  offset: number,
  size: number,
  onMessage: (offset: number, channel: number, type: number, data: Uint8Array) => void,
): string | null {
  if (size < 4) return `stream-message section of ${size} bytes`;
  const view = views.of(bytes);
  const end = offset + size;
  const count = view.getUint32(offset);
  let p = offset + 4;
  for (let i = 0; i < count; i++) {
    if (p + 8 > end) return `stream message ${i + 1} of ${count} runs past the section`;
    const len = view.getUint16(p + 6);
    if (p + 8 + len > end) return `stream message ${i + 1} data runs past the section`;
    onMessage(view.getUint16(p), view.getUint16(p + 2), view.getInt16(p + 4), bytes.subarray(p + 8, p + 8 + len));
    p += 8 + ((len + 3) & ~3);
  }
  return null;
}

/** All messages of a section as values (for dump and tests). */
export function decodeStreamMessages(bytes: Uint8Array, offset: number, size: number): StreamMessage[] | string {
  const out: StreamMessage[] = [];
  const e = readStreamMessages(bytes, offset, size, (o, channel, type, data) => out.push({ offset: o, channel, type, data }));
  return e ?? out;
}
