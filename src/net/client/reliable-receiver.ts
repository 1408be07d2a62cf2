import type { PeerMessageFrame } from '../../protocol/aoo/peer/msg.ts';
import { MessageAssembly, type ReceivedMessage } from './message-assembly.ts';

/** How far past the first missing message a peer may send before its frames are refused (not acked, so resent later). */
const WINDOW = 1024;
/** Bytes of incomplete or early messages kept per peer. */
const BUFFER_BYTES_MAX = 4 << 20;

/**
 * Incoming reliable messages of one peer (spec §11.8): reassembled, then delivered exactly
 * once and in sequence order, however the frames arrive.
 */
export class ReliableReceiver {
  private next = 0;
  private readonly waiting = new Map<number, MessageAssembly>();
  private buffered = 0;

  /**
   * Takes one frame and delivers every message it makes deliverable. Returns null if the
   * frame is in hand (to be acknowledged, including duplicates and frames of messages
   * already delivered), or why it was refused (not to be acknowledged).
   */
  receive(frame: PeerMessageFrame, deliver: (m: ReceivedMessage) => void): string | null {
    const seq = frame.sequence;
    if (seq < this.next) return null;
    if (seq >= this.next + WINDOW) return `message ${seq} is more than ${WINDOW} ahead of ${this.next}`;
    const known = this.waiting.get(seq);
    const assembly = MessageAssembly.collect(known, frame);
    if (typeof assembly === 'string') return assembly;
    if (known === undefined) {
      if (this.buffered + assembly.size > BUFFER_BYTES_MAX) return `message ${seq} would exceed ${BUFFER_BYTES_MAX} buffered bytes`;
      this.waiting.set(seq, assembly);
      this.buffered += assembly.size;
    }
    for (let a = this.waiting.get(this.next); a?.complete; a = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.buffered -= a.size;
      this.next++;
      deliver(a.message());
    }
    return null;
  }
}
