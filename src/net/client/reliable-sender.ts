import type { PeerMessageFrame } from '../../protocol/aoo/peer/msg.ts';
import { RESEND_INTERVAL_MAX, RESEND_INTERVAL_MIN } from './timing.ts';

interface Unacked {
  readonly frames: readonly PeerMessageFrame[];
  readonly acked: Uint8Array;
  remaining: number;
  nextResend: number;
  interval: number;
}

/**
 * Outgoing reliable messages to one peer (spec §11.8): every frame is resent until
 * acknowledged, first after max(2 × RTT, 20 ms), then at doubling intervals up to 1 s.
 * There is no give-up: a peer that never answers leaves its group sooner or later.
 */
export class ReliableSender {
  private nextSequence = 0;
  private readonly unacked = new Map<number, Unacked>();

  /** The sequence number of the next reliable message. */
  takeSequence(): number {
    return this.nextSequence++;
  }

  /** Keeps the frames of a message just sent, for resending. */
  track(frames: readonly PeerMessageFrame[], now: number, rtt: number): void {
    const first = frames[0];
    if (first === undefined) return;
    const interval = Math.min(Math.max(2 * rtt, RESEND_INTERVAL_MIN), RESEND_INTERVAL_MAX);
    this.unacked.set(first.sequence, { frames, acked: new Uint8Array(frames.length), remaining: frames.length, nextResend: now + interval, interval });
  }

  /** Frame `frame` of message `sequence` arrived; a negative frame index stands for all frames. */
  ack(sequence: number, frame: number): void {
    const m = this.unacked.get(sequence);
    if (m === undefined) return;
    if (frame < 0) m.remaining = 0;
    else if (frame < m.frames.length && m.acked[frame] === 0) {
      m.acked[frame] = 1;
      m.remaining--;
    }
    if (m.remaining === 0) this.unacked.delete(sequence);
  }

  /** Resends the unacknowledged frames of every message that is due. */
  resend(now: number, send: (frame: PeerMessageFrame) => void): void {
    for (const m of this.unacked.values()) {
      if (m.nextResend > now) continue;
      m.frames.forEach((f, i) => {
        if (m.acked[i] === 0) send(f);
      });
      m.interval = Math.min(2 * m.interval, RESEND_INTERVAL_MAX);
      m.nextResend = now + m.interval;
    }
  }

  nextWakeup(): number {
    let t = Infinity;
    for (const m of this.unacked.values()) t = Math.min(t, m.nextResend);
    return t;
  }

  /** Messages not yet fully acknowledged. */
  get pending(): number {
    return this.unacked.size;
  }
}
