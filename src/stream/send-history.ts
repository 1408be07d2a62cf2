import type { NtpTime } from '../protocol/ntp.ts';

/** One encoded block: `[stream-message section][audio]` in `data[0, totalSize)`. */
export class EncodedBlock {
  sequence = -1;
  totalSize = 0;
  messageSize = 0;
  xrun = false;
  timestamp: NtpTime | null = null;
  /** The source's measured sample rate in format units (spec §5.5), or null when not measured. */
  sampleRate: number | null = null;
  data: Uint8Array;

  constructor(bytes: number) {
    this.data = new Uint8Array(bytes);
  }

  /** Grows `data` (rarely: only for unusually many stream messages). */
  reserve(bytes: number): void {
    if (bytes > this.data.length) this.data = new Uint8Array(Math.max(bytes, this.data.length * 2));
  }
}

/**
 * Ring of the most recent encoded blocks: the queue of blocks not yet sent and, behind it,
 * the resend history of spec §6.4 step 5. A block is found by `sequence % capacity`.
 */
export class SendHistory {
  private readonly blocks: EncodedBlock[];

  constructor(
    readonly capacity: number,
    blockBytes: number,
  ) {
    this.blocks = Array.from({ length: capacity }, () => new EncodedBlock(blockBytes));
  }

  /** The slot for `sequence`, overwriting the block that held it before. */
  slot(sequence: number): EncodedBlock {
    const b = this.blocks[sequence % this.capacity]!;
    b.sequence = sequence;
    return b;
  }

  find(sequence: number): EncodedBlock | undefined {
    const b = this.blocks[sequence % this.capacity]!;
    return b.sequence === sequence ? b : undefined;
  }

  reset(): void {
    for (const b of this.blocks) b.sequence = -1;
  }
}
