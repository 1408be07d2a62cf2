/** Splitting a peer message into `/aoo/peer/msg` frames (spec §11.8). */
import type { AooData } from '../../protocol/aoo/data.ts';
import type { PeerMessageFrame } from '../../protocol/aoo/peer/msg.ts';
import type { NtpTime } from '../../protocol/ntp.ts';

/** The most frames one message may have. */
export const MESSAGE_FRAMES_MAX = 256;

/** The client's packet size range (spec §1.5). */
export const CLIENT_PACKET_SIZE_MIN = 150;

/** Largest payload of one frame: 472 bytes binary, 426 OSC at the default packet size 512. */
export function maxFramePayload(packetSize: number, form: 'binary' | 'osc'): number {
  return packetSize - (form === 'binary' ? 40 : 86);
}

/** Frames needed for `size` bytes. */
export function frameCount(size: number, maxFrame: number): number {
  return Math.max(1, Math.ceil(size / maxFrame));
}

/** A message from us to one peer. */
export interface OutgoingPeerMessage {
  readonly form: 'binary' | 'osc';
  readonly groupId: number;
  /** Our own user ID in the group. */
  readonly senderId: number;
  readonly reliable: boolean;
  readonly sequence: number;
  readonly timestamp: NtpTime | null;
  readonly data: AooData;
}

/** The frames of `m`, each at most `maxFrame` bytes; payloads are views into `m.data.bytes`. */
export function splitMessage(m: OutgoingPeerMessage, maxFrame: number): PeerMessageFrame[] {
  const bytes = m.data.bytes;
  const count = frameCount(bytes.length, maxFrame);
  const frames: PeerMessageFrame[] = [];
  for (let index = 0; index < count; index++) {
    frames.push({
      kind: 'peer/msg',
      form: m.form,
      groupId: m.groupId,
      senderId: m.senderId,
      reliable: m.reliable,
      sequence: m.sequence,
      totalSize: bytes.length,
      frames: count > 1 ? { count, index } : null,
      timestamp: m.timestamp,
      dataType: m.data.type,
      payload: bytes.subarray(index * maxFrame, Math.min(bytes.length, (index + 1) * maxFrame)),
    });
  }
  return frames;
}
