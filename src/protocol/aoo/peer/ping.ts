import type { NtpTime } from '../../ntp.ts';
import { MsgType } from '../constants.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';

/**
 * `/aoo/peer/ping` (spec §11.7): `,iiN` during the handshake (hole punching), `,iit` afterwards.
 * Peers are matched by (group ID, sender's user ID), not by address.
 */
export interface PeerPing {
  readonly kind: 'peer/ping';
  readonly groupId: number;
  /** The sender's own user ID. */
  readonly senderId: number;
  /** Send time; null for a handshake ping. */
  readonly t1: NtpTime | null;
}

export const peerPing: OscMessageCodec<PeerPing> = {
  kind: 'peer/ping',
  type: MsgType.Peer,
  subAddress: '/ping',
  decode(r) {
    const groupId = r.int();
    const senderId = r.int();
    const t1 = r.nil() ? null : r.time();
    return { kind: 'peer/ping', groupId, senderId, t1 };
  },
  encode(w, buf, offset, m) {
    w.begin(buf, offset, aooAddress(MsgType.Peer, null, '/ping'), m.t1 === null ? 'iiN' : 'iit').int(m.groupId).int(m.senderId);
    if (m.t1 === null) w.nil();
    else w.time(m.t1);
    return w.end();
  },
};

/** The times of a regular pong. */
export interface PeerPongTimes {
  /** The ping's send time, echoed. */
  readonly t1: NtpTime;
  /** Receive time of the ping. */
  readonly t2: NtpTime;
  /** Send time of this pong. */
  readonly t3: NtpTime;
}

/** `/aoo/peer/pong` (spec §11.7): `,iiNNN` answers a handshake ping, `,iittt` a regular one. */
export interface PeerPong {
  readonly kind: 'peer/pong';
  readonly groupId: number;
  /** The sender's own user ID. */
  readonly senderId: number;
  /** Null for a handshake pong. */
  readonly times: PeerPongTimes | null;
}

export const peerPong: OscMessageCodec<PeerPong> = {
  kind: 'peer/pong',
  type: MsgType.Peer,
  subAddress: '/pong',
  decode(r) {
    const groupId = r.int();
    const senderId = r.int();
    let times: PeerPongTimes | null = null;
    if (r.nil()) {
      if (!r.nil() || !r.nil()) r.reject('type-mismatch', 'handshake pong: "N" must be followed by "N N"');
    } else times = { t1: r.time(), t2: r.time(), t3: r.time() };
    return { kind: 'peer/pong', groupId, senderId, times };
  },
  encode(w, buf, offset, m) {
    const t = m.times;
    w.begin(buf, offset, aooAddress(MsgType.Peer, null, '/pong'), t === null ? 'iiNNN' : 'iittt').int(m.groupId).int(m.senderId);
    if (t === null) w.nil().nil().nil();
    else w.time(t.t1).time(t.t2).time(t.t3);
    return w.end();
  },
};
