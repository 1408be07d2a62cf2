import { MsgType } from '../constants.ts';
import { ViewCache, readBinaryFrom, writeBinaryHeader, binaryHeaderSize } from '../binary-header.ts';
import { type BinaryMessageCodec, type OscMessageCodec, aooAddress, decodeError } from '../message-codec.ts';

/**
 * Frames of one block a sink asks to be resent: frame `offset + i` for every set bit i of
 * `bitset`; `offset` -1 means the whole block (spec §3.4). An OSC pair (seq, frame) is
 * `{offset: frame, bitset: 1}`, or `{offset: -1, bitset: 0}` for frame -1.
 */
export interface FrameRequest {
  readonly sequence: number;
  readonly offset: number;
  readonly bitset: number;
}

/** `/aoo/src/<S>/data`: resend request (spec §3.4 binary, §4.9 OSC). */
export interface SourceDataRequest {
  readonly kind: 'source/data';
  readonly form: 'binary' | 'osc';
  readonly sourceId: number;
  readonly sinkId: number;
  readonly streamId: number;
  readonly requests: readonly FrameRequest[];
}

const views = new ViewCache();

export const sourceDataRequestBinary: BinaryMessageCodec<SourceDataRequest> = {
  kind: 'source/data',
  type: MsgType.Source,
  cmd: 0,
  decode(bytes, offset, length, headerSize) {
    const view = views.of(bytes);
    const p = offset + headerSize;
    if (p + 8 > offset + length) return decodeError('malformed', 'binary data request is too short');
    const count = view.getInt32(p + 4);
    if (count < 0 || p + 8 + count * 8 > offset + length) {
      return decodeError('malformed', `binary data request: ${count} requests do not fit in ${length} bytes`);
    }
    const requests: FrameRequest[] = [];
    for (let k = 0; k < count; k++) {
      const q = p + 8 + k * 8;
      requests.push({ sequence: view.getInt32(q), offset: view.getInt16(q + 4), bitset: view.getUint16(q + 6) });
    }
    return {
      kind: 'source/data',
      form: 'binary',
      sourceId: headerSize === 4 ? bytes[offset + 2]! : view.getInt32(offset + 4),
      sinkId: readBinaryFrom(bytes, view, offset, headerSize),
      streamId: view.getInt32(p),
      requests,
    };
  },
  encode(buf, offset, m) {
    const size = binaryHeaderSize(m.sourceId, m.sinkId) + 8 + 8 * m.requests.length;
    if (offset + size > buf.length) return -1;
    const view = views.of(buf);
    const p = offset + writeBinaryHeader(buf, view, offset, MsgType.Source, 0, m.sourceId, m.sinkId);
    view.setInt32(p, m.streamId);
    view.setInt32(p + 4, m.requests.length);
    m.requests.forEach((r, k) => {
      view.setInt32(p + 8 + k * 8, r.sequence);
      view.setInt16(p + 12 + k * 8, r.offset);
      view.setUint16(p + 14 + k * 8, r.bitset);
    });
    return size;
  },
};

/** The (sequence, frame) pairs of the OSC form, bitsets expanded. */
export function frameRequestPairs(requests: readonly FrameRequest[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (const r of requests) {
    if (r.offset < 0) pairs.push([r.sequence, -1]);
    else for (let i = 0; i < 16; i++) if (r.bitset & (1 << i)) pairs.push([r.sequence, r.offset + i]);
  }
  return pairs;
}

export const sourceDataRequestOsc: OscMessageCodec<SourceDataRequest> = {
  kind: 'source/data',
  type: MsgType.Source,
  subAddress: '/data',
  decode(r, id) {
    const sinkId = r.int();
    const streamId = r.int();
    if (r.remaining % 2 !== 0) r.reject('missing-argument', 'data request: odd number of (sequence, frame) values');
    const requests: FrameRequest[] = [];
    while (r.remaining >= 2 && r.error === null) {
      const sequence = r.int();
      const frame = r.int();
      requests.push(frame < 0 ? { sequence, offset: -1, bitset: 0 } : { sequence, offset: frame, bitset: 1 });
    }
    return { kind: 'source/data', form: 'osc', sourceId: id ?? 0, sinkId, streamId, requests };
  },
  encode(w, buf, offset, m) {
    const pairs = frameRequestPairs(m.requests);
    w.begin(buf, offset, aooAddress(MsgType.Source, m.sourceId, '/data'), 'ii' + 'ii'.repeat(pairs.length)).int(m.sinkId).int(m.streamId);
    for (const [seq, frame] of pairs) w.int(seq).int(frame);
    return w.end();
  },
};
