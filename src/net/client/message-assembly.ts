import { PACKET_SIZE_MAX } from '../../protocol/aoo/constants.ts';
import type { PeerMessageFrame } from '../../protocol/aoo/peer/msg.ts';
import type { NtpTime } from '../../protocol/ntp.ts';
import { MESSAGE_FRAMES_MAX } from './message-frames.ts';

/** A whole message from a peer; `bytes` is its own copy. */
export interface ReceivedMessage {
  readonly dataType: number;
  readonly bytes: Uint8Array;
  readonly timestamp: NtpTime | null;
}

/**
 * The frames of one peer message (spec §11.8) until all have arrived. Frame i of n goes to
 * i × its size, except the last, which is written right-aligned at total − size: that is
 * also where the reference's resend of a last frame, which starts one frame early and
 * carries two frames' worth of bytes, belongs (spec §13 #9).
 */
export class MessageAssembly {
  private readonly bytes: Uint8Array;
  private readonly received: Uint8Array;
  private missing: number;

  private constructor(
    readonly sequence: number,
    private readonly count: number,
    private readonly dataType: number,
    private readonly timestamp: NtpTime | null,
    size: number,
  ) {
    this.bytes = new Uint8Array(size);
    this.received = new Uint8Array(count);
    this.missing = count;
  }

  /** An assembly holding `first`, or why its fields are unusable. */
  static start(first: PeerMessageFrame): MessageAssembly | string {
    const count = first.frames?.count ?? 1;
    const size = first.frames === null ? first.payload.length : first.totalSize;
    if (count > MESSAGE_FRAMES_MAX) return `${count} frames (at most ${MESSAGE_FRAMES_MAX})`;
    if (size > count * PACKET_SIZE_MAX) return `${size} bytes in ${count} frames`;
    const a = new MessageAssembly(first.sequence, count, first.dataType, first.timestamp, size);
    const problem = a.add(first);
    return problem ?? a;
  }

  /** `frame` added to `known`, the assembly of its message so far, or to a new one; or why it does not fit. */
  static collect(known: MessageAssembly | undefined, frame: PeerMessageFrame): MessageAssembly | string {
    return known === undefined ? MessageAssembly.start(frame) : (known.add(frame) ?? known);
  }

  /** Bytes this message takes while it waits. */
  get size(): number {
    return this.bytes.length;
  }

  get complete(): boolean {
    return this.missing === 0;
  }

  /** Stores one frame (a duplicate is harmless); returns why it does not fit this message, or null. */
  add(frame: PeerMessageFrame): string | null {
    const count = frame.frames?.count ?? 1;
    const index = frame.frames?.index ?? 0;
    const size = frame.frames === null ? frame.payload.length : frame.totalSize;
    if (count !== this.count || size !== this.bytes.length || frame.dataType !== this.dataType) {
      return `frame ${index} of message ${frame.sequence} contradicts its other frames`;
    }
    const length = frame.payload.length;
    const offset = index === count - 1 ? size - length : index * length;
    if (offset < 0 || offset + length > size) return `frame ${index} of message ${frame.sequence} lies outside its ${size} bytes`;
    if (this.received[index] === 0) {
      this.received[index] = 1;
      this.missing--;
      this.bytes.set(frame.payload, offset);
    }
    return null;
  }

  message(): ReceivedMessage {
    return { dataType: this.dataType, bytes: this.bytes, timestamp: this.timestamp };
  }
}
