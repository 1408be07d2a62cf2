import type { AooMessage } from '../protocol/aoo/messages.ts';
import { type NtpTime, ntpFromSeconds } from '../protocol/ntp.ts';
import type { PacketOut, SocketAddress } from './endpoint.ts';
import type { MessageWriter } from './message-writer.ts';

/** A message for `to`, built when it is sent, so that a `/ping` or `/pong` carries the time it leaves. */
export interface QueuedMessage {
  readonly to: SocketAddress;
  readonly build: (sendTime: NtpTime) => AooMessage;
}

/** Replies and requests of a Source or Sink, queued until its next `send()`. */
export class ReplyQueue {
  private readonly queue: QueuedMessage[] = [];

  push(message: QueuedMessage): void {
    this.queue.push(message);
  }

  get isEmpty(): boolean {
    return this.queue.length === 0;
  }

  /**
   * Writes and forgets everything queued; `time` in seconds on the NTP timescale. Callers check
   * `isEmpty` first: a time passed to a call that is not inlined is boxed, every block.
   */
  flush(time: number, writer: MessageWriter, out: PacketOut): void {
    const now = ntpFromSeconds(time);
    for (const { to, build } of this.queue) writer.write(build(now), to, out);
    this.queue.length = 0;
  }
}
