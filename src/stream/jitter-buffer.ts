import { ReceivedBlock } from './received-block.ts';

/**
 * Ring of received blocks with consecutive sequence numbers `lastPopped + 1 … lastPopped + size`
 * (spec §7.4); gaps are filled with placeholders.
 */
export class JitterBuffer {
  private blocks: ReceivedBlock[] = [];
  private head = 0;
  private count = 0;
  /** Sequence of the last block played or dropped. */
  lastPopped = -1;

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
    return this.lastPopped + this.count;
  }

  /** Empties the buffer so that `lastPopped + 1` is the next block expected. */
  reset(lastPopped: number, capacity = this.blocks.length): void {
    while (this.blocks.length < capacity) this.blocks.push(new ReceivedBlock());
    this.blocks.length = capacity;
    this.head = 0;
    this.count = 0;
    this.lastPopped = lastPopped;
  }

  /** The i-th block, oldest first. */
  at(i: number): ReceivedBlock {
    return this.blocks[(this.head + i) % this.blocks.length]!;
  }

  find(sequence: number): ReceivedBlock | undefined {
    const i = sequence - this.lastPopped - 1;
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
    this.lastPopped++;
  }
}
