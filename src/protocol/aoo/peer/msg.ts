import type { NtpTime } from '../../ntp.ts';
import { ViewCache, binaryHeaderSize, readBinaryFrom, writeBinaryHeader } from '../binary-header.ts';
import { MsgType, PeerMessageFlag } from '../constants.ts';
import { type BinaryMessageCodec, type OscMessageCodec, aooAddress, decodeError } from '../message-codec.ts';

/** Frame count and this frame's index of a message split into several frames. */
export interface PeerMessageFrames {
  readonly count: number;
  readonly index: number;
}

/**
 * One frame of a user message between peers, `/aoo/peer/msg` (spec §3.6 binary type 0x84 cmd 0,
 * §11.8 OSC `,iiiii(ii|NN)(t|N)ib`).
 */
export interface PeerMessageFrame {
  readonly kind: 'peer/msg';
  readonly form: 'binary' | 'osc';
  readonly groupId: number;
  /** The sender's own user ID (binary header `from`). */
  readonly senderId: number;
  readonly reliable: boolean;
  /** Separate counters for reliable and unreliable messages. */
  readonly sequence: number;
  /** Bytes of the whole message (in the binary form without frames: the payload size). */
  readonly totalSize: number;
  /** Null for a single-frame message (OSC `N N`, binary without the Frames flag). */
  readonly frames: PeerMessageFrames | null;
  /** Null when absent (OSC `N`, binary without the Timestamp flag). */
  readonly timestamp: NtpTime | null;
  /** `AooDataType` of the message. */
  readonly dataType: number;
  /** This frame's bytes, a view into the datagram. */
  readonly payload: Uint8Array;
}

/** What is inconsistent about the frame fields, or null. */
function frameProblem(totalSize: number, frames: PeerMessageFrames | null, payloadSize: number): string | null {
  if (totalSize < 0) return `negative total size ${totalSize}`;
  if (frames !== null && (frames.count < 1 || frames.index < 0 || frames.index >= frames.count)) {
    return `frame index ${frames.index} of ${frames.count} frames`;
  }
  if (payloadSize > totalSize) return `frame of ${payloadSize} bytes > message size ${totalSize}`;
  return null;
}

const views = new ViewCache();

export const peerMessageBinary: BinaryMessageCodec<PeerMessageFrame> = {
  kind: 'peer/msg',
  type: MsgType.Peer,
  cmd: 0,
  decode(bytes, offset, length, headerSize) {
    const view = views.of(bytes);
    const end = offset + length;
    let p = offset + headerSize;
    if (p + 8 > end) return decodeError('malformed', `binary peer message of ${length} bytes is too short`);
    const sequence = view.getInt32(p);
    const flags = view.getUint16(p + 4);
    const size = view.getUint16(p + 6);
    p += 8;
    const need = (flags & PeerMessageFlag.Frames ? 12 : 0) + (flags & PeerMessageFlag.Timestamp ? 8 : 0) + 4 + size;
    if (p + need > end) return decodeError('malformed', `binary peer message: fields and ${size}-byte payload exceed the ${length}-byte packet`);
    let totalSize = size;
    let frames: PeerMessageFrames | null = null;
    if (flags & PeerMessageFlag.Frames) {
      totalSize = view.getInt32(p);
      frames = { count: view.getInt32(p + 4), index: view.getInt32(p + 8) };
      p += 12;
    }
    let timestamp: NtpTime | null = null;
    if (flags & PeerMessageFlag.Timestamp) {
      timestamp = view.getBigUint64(p);
      p += 8;
    }
    const dataType = view.getInt32(p);
    p += 4;
    const problem = frameProblem(totalSize, frames, size);
    if (problem !== null) return decodeError('malformed', `binary peer message: ${problem}`);
    return {
      kind: 'peer/msg',
      form: 'binary',
      groupId: headerSize === 4 ? bytes[offset + 2]! : view.getInt32(offset + 4),
      senderId: readBinaryFrom(bytes, view, offset, headerSize),
      reliable: (flags & PeerMessageFlag.Reliable) !== 0,
      sequence,
      totalSize,
      frames,
      timestamp,
      dataType,
      payload: bytes.subarray(p, p + size),
    };
  },
  encode(buf, offset, m) {
    const size = binaryHeaderSize(m.groupId, m.senderId) + 8 + (m.frames !== null ? 12 : 0) + (m.timestamp !== null ? 8 : 0) + 4 + m.payload.length;
    if (m.payload.length > 0xffff || offset + size > buf.length) return -1;
    const view = views.of(buf);
    let p = offset + writeBinaryHeader(buf, view, offset, MsgType.Peer, 0, m.groupId, m.senderId);
    const flags =
      (m.reliable ? PeerMessageFlag.Reliable : 0) | (m.frames !== null ? PeerMessageFlag.Frames : 0) | (m.timestamp !== null ? PeerMessageFlag.Timestamp : 0);
    view.setInt32(p, m.sequence);
    view.setUint16(p + 4, flags);
    view.setUint16(p + 6, m.payload.length);
    p += 8;
    if (m.frames !== null) {
      view.setInt32(p, m.totalSize);
      view.setInt32(p + 4, m.frames.count);
      view.setInt32(p + 8, m.frames.index);
      p += 12;
    }
    if (m.timestamp !== null) {
      view.setBigUint64(p, m.timestamp);
      p += 8;
    }
    view.setInt32(p, m.dataType);
    buf.set(m.payload, p + 4);
    return size;
  },
};

export const peerMessageOsc: OscMessageCodec<PeerMessageFrame> = {
  kind: 'peer/msg',
  type: MsgType.Peer,
  subAddress: '/msg',
  decode(r) {
    const groupId = r.int();
    const senderId = r.int();
    const flags = r.int();
    const sequence = r.int();
    const totalSize = r.int();
    let frames: PeerMessageFrames | null = null;
    if (r.nil()) {
      if (!r.nil()) r.reject('type-mismatch', 'peer message: frame count "N" must be followed by "N"');
    } else frames = { count: r.int(), index: r.int() };
    const timestamp = r.nil() ? null : r.time();
    const dataType = r.int();
    const payload = r.blob();
    if (r.error === null) {
      // the reference reads (type, blob) as metadata, which must not be empty
      const problem = payload.length === 0 ? 'empty payload' : frameProblem(totalSize, frames, payload.length);
      if (problem !== null) r.reject('bad-size', `peer message: ${problem}`);
    }
    const reliable = (flags & PeerMessageFlag.Reliable) !== 0;
    return { kind: 'peer/msg', form: 'osc', groupId, senderId, reliable, sequence, totalSize, frames, timestamp, dataType, payload };
  },
  encode(w, buf, offset, m) {
    const tags = `iiiii${m.frames !== null ? 'ii' : 'NN'}${m.timestamp !== null ? 't' : 'N'}ib`;
    w.begin(buf, offset, aooAddress(MsgType.Peer, null, '/msg'), tags)
      .int(m.groupId)
      .int(m.senderId)
      .int(m.reliable ? PeerMessageFlag.Reliable : 0)
      .int(m.sequence)
      .int(m.totalSize);
    if (m.frames !== null) w.int(m.frames.count).int(m.frames.index);
    else w.nil().nil();
    if (m.timestamp !== null) w.time(m.timestamp);
    else w.nil();
    return w.int(m.dataType).blob(m.payload).end();
  },
};
