import type { StreamMessage } from '../protocol/aoo/stream-messages.ts';

/** A stream message as the host adds it: `sampleOffset` is within the next process block. */
export interface StreamMessageInput {
  readonly channel: number;
  readonly type: number;
  readonly data: Uint8Array;
  readonly sampleOffset: number;
}

interface Scheduled {
  /** Stream sample position (format rate, counted from the stream start). */
  readonly position: number;
  readonly channel: number;
  readonly type: number;
  readonly data: Uint8Array;
}

/** Stream messages of a Source waiting for the block that contains their sample (spec §5.3). */
export class OutgoingStreamMessages {
  private incoming: StreamMessageInput[] = [];
  private scheduled: Scheduled[] = [];

  add(m: StreamMessageInput): void {
    this.incoming.push({ ...m, data: m.data.slice() });
  }

  /**
   * Pins the messages added since the last call to the process block about to be converted:
   * `position` maps a sample offset in that block to its stream sample position.
   */
  pin(position: (sampleOffset: number) => number): void {
    if (this.incoming.length === 0) return;
    for (const m of this.incoming) this.scheduled.push({ position: position(m.sampleOffset), channel: m.channel, type: m.type, data: m.data });
    this.incoming = [];
    this.scheduled.sort((a, b) => a.position - b.position);
  }

  /** Removes and returns the messages in [blockStart, blockStart + blockSize), offsets relative to the block. */
  take(blockStart: number, blockSize: number): StreamMessage[] {
    const end = blockStart + blockSize;
    let n = 0;
    while (n < this.scheduled.length && this.scheduled[n]!.position < end) n++;
    if (n === 0) return NONE;
    const due = this.scheduled.splice(0, n).filter((m) => m.position >= blockStart);
    return due.map((m) => ({ offset: m.position - blockStart, channel: m.channel, type: m.type, data: m.data }));
  }

  /** Forgets pinned messages (a new stream starts); messages added for the next block stay. */
  clearScheduled(): void {
    this.scheduled = [];
  }
}

const NONE: StreamMessage[] = [];
