import type { NtpTime } from '../protocol/ntp.ts';
import { sequenceDistance } from './sequence.ts';

/**
 * One encoded block: `[stream-message section][audio]` in `data[0, totalSize)`, which is
 * `bytes[offset, offset + totalSize)`. The blocks of a history share one `bytes`, so the codec
 * and the packet writer, which cache a DataView per buffer, see the same buffer every block.
 */
export class EncodedBlock {
  sequence = -1;
  totalSize = 0;
  messageSize = 0;
  /**
   * Payload bytes per `/data` frame, fixed when the block is encoded: a resent frame must be
   * the same bytes as the first time, whatever the packet size is now.
   */
  frameBytes = 1;
  xrun = false;
  timestamp: NtpTime | null = null;
  /** The source's measured sample rate in format units (spec §5.5); 0 when not measured. */
  sampleRate = 0;
  /** The block's room, for writing. */
  data: Uint8Array;
  bytes: Uint8Array;
  offset: number;

  constructor(bytes: Uint8Array, offset: number, room: number) {
    this.bytes = bytes;
    this.offset = offset;
    this.data = bytes.subarray(offset, offset + room);
  }

  /** Makes room for `bytes` bytes, in a buffer of its own (rarely: unusually many stream messages). */
  reserve(bytes: number): void {
    if (bytes <= this.data.length) return;
    this.data = new Uint8Array(Math.max(bytes, this.data.length * 2));
    this.bytes = this.data;
    this.offset = 0;
  }

  copyFrom(b: EncodedBlock): void {
    this.reserve(b.totalSize);
    this.data.set(b.bytes.subarray(b.offset, b.offset + b.totalSize));
    this.sequence = b.sequence;
    this.totalSize = b.totalSize;
    this.messageSize = b.messageSize;
    this.frameBytes = b.frameBytes;
    this.xrun = b.xrun;
    this.timestamp = b.timestamp;
    this.sampleRate = b.sampleRate;
  }
}

/**
 * Ring of the most recent encoded blocks, oldest overwritten first: the queue of blocks not
 * yet sent and, behind it, the resend history of spec §6.4 step 5. Slots are taken in
 * encoding order, so sequence numbers may wrap (spec §5.1) without two blocks sharing a slot.
 */
export class SendHistory {
  private blocks: EncodedBlock[];
  /** Slots taken since the last reset. */
  private written = 0;
  private newest = -1;

  constructor(
    capacity: number,
    private readonly blockBytes: number,
  ) {
    this.blocks = this.layout(capacity, []);
  }

  get capacity(): number {
    return this.blocks.length;
  }

  /** The slot for the next block, `sequence`; it overwrites the oldest block. */
  slot(sequence: number): EncodedBlock {
    const b = this.blocks[this.written % this.blocks.length]!;
    this.written++;
    this.newest = sequence;
    b.sequence = sequence;
    return b;
  }

  /** The block `age` blocks before the newest (0 = the newest), if still kept. */
  recent(age: number): EncodedBlock | undefined {
    if (age < 0 || age >= Math.min(this.written, this.blocks.length)) return undefined;
    return this.blocks[(this.written - 1 - age) % this.blocks.length];
  }

  /** Block `sequence`, if it is one of the `maxAge` newest blocks and still kept. */
  find(sequence: number, maxAge: number): EncodedBlock | undefined {
    const age = sequenceDistance(sequence, this.newest);
    const b = age < maxAge ? this.recent(age) : undefined;
    return b !== undefined && b.sequence === sequence ? b : undefined;
  }

  /** Keeps the newest blocks that fit into `capacity` slots. */
  resize(capacity: number): void {
    if (capacity === this.blocks.length) return;
    const kept: EncodedBlock[] = [];
    for (let age = Math.min(this.written, this.blocks.length, capacity) - 1; age >= 0; age--) kept.push(this.recent(age)!);
    this.blocks = this.layout(capacity, kept);
    this.written = kept.length;
  }

  /** `capacity` blocks in one new buffer, the first ones copies of `kept`. */
  private layout(capacity: number, kept: readonly EncodedBlock[]): EncodedBlock[] {
    const bytes = new Uint8Array(capacity * this.blockBytes);
    return Array.from({ length: capacity }, (_, i) => {
      const b = new EncodedBlock(bytes, i * this.blockBytes, this.blockBytes);
      if (i < kept.length) b.copyFrom(kept[i]!);
      return b;
    });
  }

  reset(): void {
    for (const b of this.blocks) b.sequence = -1;
    this.written = 0;
    this.newest = -1;
  }
}
