import type { MsgType } from './constants.ts';

/** Size of the binary header for these IDs (spec §3.1): long form if either is >= 256. */
export function binaryHeaderSize(to: number, from: number): 4 | 12 {
  return to >= 256 || from >= 256 || to < 0 || from < 0 ? 12 : 4;
}

/** Writes the short or long binary header; returns its size. The caller checked the room. */
export function writeBinaryHeader(buf: Uint8Array, view: DataView, offset: number, type: MsgType, cmd: number, to: number, from: number): number {
  buf[offset] = 0x80 | type;
  if (binaryHeaderSize(to, from) === 4) {
    buf[offset + 1] = cmd;
    buf[offset + 2] = to;
    buf[offset + 3] = from;
    return 4;
  }
  buf[offset + 1] = 0x80 | cmd;
  buf[offset + 2] = 0;
  buf[offset + 3] = 0;
  view.setInt32(offset + 4, to);
  view.setInt32(offset + 8, from);
  return 12;
}

/** The `from` ID of a binary header of the given size at `offset`. */
export function readBinaryFrom(bytes: Uint8Array, view: DataView, offset: number, headerSize: 4 | 12): number {
  return headerSize === 4 ? bytes[offset + 3]! : view.getInt32(offset + 8);
}

/** A DataView over the whole of `bytes`, cached for the last buffer seen (the hot path reuses one buffer). */
export class ViewCache {
  private bytes: Uint8Array | null = null;
  private view: DataView | null = null;
  of(bytes: Uint8Array): DataView {
    if (this.bytes !== bytes || this.view === null) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.view;
  }
}
