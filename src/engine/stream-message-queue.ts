/**
 * Stream messages from a send~'s patch, waiting for the captured block that contains their
 * sample. The host stamps a message with its newest tick and the samples since that tick
 * ended ([timer] since the last [bang~]): the message belongs `offset` samples into the
 * blocks that follow.
 */
import type { StreamMessageInput } from '../stream/outgoing-stream-messages.ts';
import { MAX_GAP_BLOCKS, addTicks, tickDistance } from './host-clock.ts';

type Message = Omit<StreamMessageInput, 'sampleOffset'>;

interface Pending {
  readonly tick: number;
  readonly sampleOffset: number;
  readonly message: Message;
}

/** More messages than this waiting (the host's DSP is off, say) → the newest are refused. */
const MAX_PENDING = 4096;

export class StreamMessageQueue {
  private pending: Pending[] = [];

  constructor(
    private readonly blockSize: number,
    private readonly reportError: (text: string) => void,
  ) {}

  add(tick: number, offset: number, message: Message): void {
    if (this.pending.length >= MAX_PENDING) {
      this.reportError(`list: ${MAX_PENDING} stream messages are waiting for audio blocks (is DSP on?) so this one is dropped`);
      return;
    }
    const samples = Math.floor(offset);
    const blocks = Math.floor(samples / this.blockSize);
    this.pending.push({ tick: addTicks(tick, 1 + blocks), sampleOffset: samples - blocks * this.blockSize, message });
  }

  /**
   * The messages for the block of `tick`, with their offsets in it: the ones stamped for it,
   * and (at offset 0) the ones whose block has passed or that are implausibly far ahead.
   */
  due(tick: number): StreamMessageInput[] {
    if (this.pending.length === 0) return NONE;
    const due: StreamMessageInput[] = [];
    const keep: Pending[] = [];
    for (const p of this.pending) {
      const ahead = tickDistance(tick, p.tick);
      if (ahead === 0) due.push({ ...p.message, sampleOffset: p.sampleOffset });
      // A block that has passed is 2^24 − n ahead: late, like one implausibly far ahead.
      else if (ahead > MAX_GAP_BLOCKS) due.push({ ...p.message, sampleOffset: 0 });
      else keep.push(p);
    }
    this.pending = keep;
    return due;
  }
}

const NONE: StreamMessageInput[] = [];
