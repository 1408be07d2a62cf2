import { ViewCache, binaryHeaderSize, readBinaryFrom, writeBinaryHeader } from '../binary-header.ts';
import { MsgType } from '../constants.ts';
import { type BinaryMessageCodec, type OscMessageCodec, aooAddress, decodeError } from '../message-codec.ts';

/** One acknowledged frame of a reliable message. */
export interface PeerAckEntry {
  readonly sequence: number;
  /** Frame index; negative = all frames. */
  readonly frame: number;
}

/** `/aoo/peer/ack` (spec §3.7 binary type 0x84 cmd 1 with a count, §11.8 OSC `,ii(ii)+` without one). */
export interface PeerAck {
  readonly kind: 'peer/ack';
  readonly form: 'binary' | 'osc';
  readonly groupId: number;
  /** The acknowledging peer's own user ID. */
  readonly senderId: number;
  readonly acks: readonly PeerAckEntry[];
}

const views = new ViewCache();

export const peerAckBinary: BinaryMessageCodec<PeerAck> = {
  kind: 'peer/ack',
  type: MsgType.Peer,
  cmd: 1,
  decode(bytes, offset, length, headerSize) {
    const view = views.of(bytes);
    const p = offset + headerSize;
    if (p + 4 > offset + length) return decodeError('malformed', 'binary peer ack is too short');
    const count = view.getInt32(p);
    if (count < 0 || p + 4 + count * 8 > offset + length) return decodeError('malformed', `binary peer ack: ${count} acks do not fit in ${length} bytes`);
    const acks: PeerAckEntry[] = [];
    for (let k = 0; k < count; k++) acks.push({ sequence: view.getInt32(p + 4 + k * 8), frame: view.getInt32(p + 8 + k * 8) });
    return {
      kind: 'peer/ack',
      form: 'binary',
      groupId: headerSize === 4 ? bytes[offset + 2]! : view.getInt32(offset + 4),
      senderId: readBinaryFrom(bytes, view, offset, headerSize),
      acks,
    };
  },
  encode(buf, offset, m) {
    const size = binaryHeaderSize(m.groupId, m.senderId) + 4 + 8 * m.acks.length;
    if (offset + size > buf.length) return -1;
    const view = views.of(buf);
    const p = offset + writeBinaryHeader(buf, view, offset, MsgType.Peer, 1, m.groupId, m.senderId);
    view.setInt32(p, m.acks.length);
    m.acks.forEach((a, k) => {
      view.setInt32(p + 4 + k * 8, a.sequence);
      view.setInt32(p + 8 + k * 8, a.frame);
    });
    return size;
  },
};

export const peerAckOsc: OscMessageCodec<PeerAck> = {
  kind: 'peer/ack',
  type: MsgType.Peer,
  subAddress: '/ack',
  decode(r) {
    const groupId = r.int();
    const senderId = r.int();
    if (r.remaining % 2 !== 0) r.reject('missing-argument', 'peer ack: odd number of (sequence, frame) values');
    const acks: PeerAckEntry[] = [];
    while (r.remaining >= 2 && r.error === null) acks.push({ sequence: r.int(), frame: r.int() });
    return { kind: 'peer/ack', form: 'osc', groupId, senderId, acks };
  },
  encode(w, buf, offset, m) {
    w.begin(buf, offset, aooAddress(MsgType.Peer, null, '/ack'), 'ii' + 'ii'.repeat(m.acks.length)).int(m.groupId).int(m.senderId);
    for (const a of m.acks) w.int(a.sequence).int(a.frame);
    return w.end();
  },
};
