import type { SinkData } from '../protocol/aoo/sink/data.ts';
import type { NtpTime } from '../protocol/ntp.ts';

/** One slot of the jitter buffer (spec §7.4): a block being reassembled from its frames. */
export class ReceivedBlock {
  sequence = -1;
  /** Nothing received yet: the slot only fills a gap in the sequence. */
  placeholder = true;
  totalSize = 0;
  messageSize = 0;
  frameCount = 0;
  receivedFrames = 0;
  xrun = false;
  timestamp: NtpTime | null = null;
  /** The source's real sample rate (`d`); 0 when it sent none. */
  sampleRate = 0;
  channel = 0;
  /** Resend bookkeeping (spec §7.6). */
  requested = false;
  lastRequest = -Infinity;
  countedAsResent = false;
  /**
   * The block's bytes are `bytes[offset, offset + totalSize)`, in room the jitter buffer gives
   * it: one buffer for all its blocks, so the codec's DataView cache keeps hitting.
   */
  bytes: Uint8Array = EMPTY;
  offset = 0;
  room = 0;
  frameReceived: Uint8Array = EMPTY;

  initPlaceholder(sequence: number): void {
    this.sequence = sequence;
    this.placeholder = true;
    this.receivedFrames = 0;
    this.requested = false;
    this.lastRequest = -Infinity;
    this.countedAsResent = false;
  }

  place(bytes: Uint8Array, offset: number, room: number): void {
    this.bytes = bytes;
    this.offset = offset;
    this.room = room;
  }

  /** Takes the per-block fields from the first frame that arrives (a block too big for its slot gets room of its own). */
  initFrom(f: SinkData): void {
    if (f.totalSize > this.room) this.place(new Uint8Array(f.totalSize), 0, f.totalSize);
    this.placeholder = false;
    this.totalSize = f.totalSize;
    this.messageSize = f.messageSize;
    this.frameCount = f.frameCount;
    this.receivedFrames = 0;
    this.xrun = f.xrun;
    this.timestamp = f.timestamp;
    this.sampleRate = f.sampleRate;
    this.channel = f.channel;
    if (this.frameReceived.length < f.frameCount) this.frameReceived = new Uint8Array(Math.max(f.frameCount, 16));
    this.frameReceived.fill(0, 0, f.frameCount);
  }

  get complete(): boolean {
    return !this.placeholder && this.receivedFrames >= this.frameCount;
  }

  /**
   * Stores a frame; false for a duplicate or a frame that does not match the block. The last
   * frame is written right-aligned at `total − size`, as the reference does (spec §13 #9).
   */
  addFrame(f: SinkData): boolean {
    if (f.totalSize !== this.totalSize || f.frameCount !== this.frameCount || this.complete) return false;
    if (this.frameReceived[f.frameIndex] === 1) return false;
    const at = f.frameIndex === f.frameCount - 1 ? f.totalSize - f.payloadSize : f.frameIndex * f.payloadSize;
    if (at < 0 || at + f.payloadSize > this.totalSize) return false;
    // A byte loop, not `set(subarray(…))`: no view object per frame.
    const { payload, payloadOffset, payloadSize } = f;
    const bytes = this.bytes;
    const to = this.offset + at;
    for (let i = 0; i < payloadSize; i++) bytes[to + i] = payload[payloadOffset + i]!;
    this.frameReceived[f.frameIndex] = 1;
    this.receivedFrames++;
    return true;
  }

  /** Bitset of the missing frames `offset … offset+15`. */
  missingFrames(offset: number): number {
    let bits = 0;
    const end = Math.min(this.frameCount, offset + 16);
    for (let i = offset; i < end; i++) if (this.frameReceived[i] !== 1) bits |= 1 << (i - offset);
    return bits;
  }
}

const EMPTY = new Uint8Array(0);
