import { ReceivedBlock } from './received-block.ts';
import { addSequence, nextSequence, previousSequence, sequenceDistance } from './sequence.ts';

/** Most bytes the slots of one jitter buffer take together; bigger blocks get room of their own. */
const SLAB_LIMIT = 4 << 20;

/**
 * Ring of received blocks with consecutive sequence numbers `lastPopped + 1 … lastPopped + size`
 * (spec §7.4), counted round the sequence wrap; gaps are filled with placeholders. The blocks'
 * bytes are slots of one buffer.
 */
export class JitterBuffer {
  private blocks: ReceivedBlock[] = [];
  private slotBytes = 0;
  private head = 0;
  private count = 0;
  /** Sequence of the last block played or dropped. */
  lastPopped = previousSequence(0);

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.blocks.length;
  }

  get free(): number {
    return this.blocks.length - this.count;
  }

  /** Sequence of the newest block, or `lastPopped` when empty. */
  get newest(): number {
    return addSequence(this.lastPopped, this.count);
  }

  /** Empties the buffer so that `next` is the next block expected. */
  reset(next: number, capacity = this.blocks.length): void {
    if (capacity !== this.blocks.length) this.layout(this.blocks, capacity, this.slotBytes);
    this.head = 0;
    this.count = 0;
    this.lastPopped = previousSequence(next);
  }

  /** Changes the capacity, keeping the blocks; the oldest go if more are held than fit. */
  resize(capacity: number): void {
    if (capacity === this.blocks.length) return;
    this.drop(this.count - capacity);
    const blocks: ReceivedBlock[] = [];
    for (let i = 0; i < this.blocks.length; i++) blocks.push(this.at(i));
    this.layout(blocks, capacity, this.slotBytes);
    this.head = 0;
  }

  /** Makes room for blocks of `bytes` bytes in the slots, as far as SLAB_LIMIT allows. */
  reserve(bytes: number): void {
    if (bytes <= this.slotBytes) return;
    const slotBytes = Math.min(Math.max(bytes, 2 * this.slotBytes), Math.floor(SLAB_LIMIT / this.blocks.length));
    if (slotBytes > this.slotBytes) this.layout(this.blocks, this.blocks.length, slotBytes);
  }

  /** `blocks` (cut or filled up to `capacity`) in slots of one new buffer, keeping their bytes. */
  private layout(blocks: ReceivedBlock[], capacity: number, slotBytes: number): void {
    while (blocks.length < capacity) blocks.push(new ReceivedBlock());
    blocks.length = capacity;
    const slab = new Uint8Array(capacity * slotBytes);
    blocks.forEach((b, i) => {
      if (b.totalSize > slotBytes) return; // keeps its own room
      slab.set(b.bytes.subarray(b.offset, b.offset + b.totalSize), i * slotBytes);
      b.place(slab, i * slotBytes, slotBytes);
    });
    this.blocks = blocks;
    this.slotBytes = slotBytes;
  }

  /** The i-th block, oldest first. */
  at(i: number): ReceivedBlock {
    return this.blocks[(this.head + i) % this.blocks.length]!;
  }

  /** How far `sequence` is ahead of the last block popped: ≤ 0 means late. */
  position(sequence: number): number {
    return sequenceDistance(this.lastPopped, sequence);
  }

  find(sequence: number): ReceivedBlock | undefined {
    const i = this.position(sequence) - 1;
    return i >= 0 && i < this.count ? this.at(i) : undefined;
  }

  /** Appends a placeholder for the sequence after the newest; the caller checked `free`. */
  append(): ReceivedBlock {
    const b = this.at(this.count);
    this.count++;
    b.initPlaceholder(this.newest);
    return b;
  }

  pop(): void {
    this.head = (this.head + 1) % this.blocks.length;
    this.count--;
    this.lastPopped = nextSequence(this.lastPopped);
  }

  /** Pops up to `n` of the oldest blocks unplayed; returns how many. */
  drop(n: number): number {
    const dropped = Math.max(0, Math.min(n, this.count));
    for (let i = 0; i < dropped; i++) this.pop();
    return dropped;
  }
}
