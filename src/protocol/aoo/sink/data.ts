import type { NtpTime } from '../../ntp.ts';
import { DataFlag, MsgType } from '../constants.ts';
import { ViewCache, readBinaryFrom, writeBinaryHeader } from '../binary-header.ts';
import { type AooDecodeError, type BinaryMessageCodec, type OscMessageCodec, aooAddress, decodeError } from '../message-codec.ts';

/**
 * One frame of a stream block, `/aoo/sink/<K>/data` (spec §3.3 binary, §4.3 OSC).
 *
 * The frame's bytes stay in the datagram: `payload[payloadOffset, payloadOffset+payloadSize)`.
 * A `DataFrame` can be reused (decodeBinaryDataInto) so the hot path allocates nothing.
 */
export interface SinkData {
  readonly kind: 'sink/data';
  form: 'binary' | 'osc';
  sinkId: number;
  sourceId: number;
  streamId: number;
  sequence: number;
  /** Channel onset in the sink. */
  channel: number;
  /**
   * Real sample rate in format-rate units (dynamic resampling); 0 = not sent. Never null: a
   * field that only holds numbers is updated in place, a nullable one boxes every new value.
   */
  sampleRate: number;
  timestamp: NtpTime | null;
  /** Bytes of the whole block: stream-message section + audio. */
  totalSize: number;
  /** Bytes of the stream-message section at the block's start; 0 = none. */
  messageSize: number;
  frameCount: number;
  frameIndex: number;
  /** An empty block standing for a source xrun. */
  xrun: boolean;
  payload: Uint8Array;
  payloadOffset: number;
  payloadSize: number;
}

export function emptySinkData(): SinkData {
  return {
    kind: 'sink/data',
    form: 'binary',
    sinkId: 0,
    sourceId: 0,
    streamId: 0,
    sequence: 0,
    channel: 0,
    sampleRate: 0,
    timestamp: null,
    totalSize: 0,
    messageSize: 0,
    frameCount: 0,
    frameIndex: 0,
    xrun: false,
    payload: EMPTY,
    payloadOffset: 0,
    payloadSize: 0,
  };
}

const EMPTY = new Uint8Array(0);
// One cache per direction: a process that both sends and receives /data alternates buffers,
// and a shared cache would build a new DataView for every packet.
const decodeViews = new ViewCache();
const encodeViews = new ViewCache();
const sourceViews = new ViewCache();

/** Copies without allocating a subarray: 4 bytes at a time through cached DataViews. */
function copyBytes(src: Uint8Array, from: number, dst: Uint8Array, dstView: DataView, to: number, n: number): void {
  const srcView = sourceViews.of(src);
  const words = n & ~3;
  let i = 0;
  for (; i < words; i += 4) dstView.setUint32(to + i, srcView.getUint32(from + i));
  for (; i < n; i++) dst[to + i] = src[from + i]!;
}

/** Size of the binary encoding of `m`. */
export function binaryDataSize(m: SinkData): number {
  const header = m.sinkId >= 256 || m.sourceId >= 256 || m.sinkId < 0 || m.sourceId < 0 ? 12 : 4;
  return (
    header +
    12 +
    (m.frameCount > 1 ? 8 : 0) +
    (m.messageSize > 0 ? 4 : 0) +
    (m.sampleRate !== 0 ? 8 : 0) +
    (m.timestamp !== null ? 8 : 0) +
    m.payloadSize
  );
}

/** Decodes binary `/data` into `out` without allocating. Returns an error, or null. */
export function decodeBinaryDataInto(bytes: Uint8Array, offset: number, length: number, headerSize: 4 | 12, out: SinkData): AooDecodeError | null {
  const view = decodeViews.of(bytes);
  const end = offset + length;
  let p = offset + headerSize;
  if (p + 12 > end) return decodeError('malformed', `binary /data of ${length} bytes is too short`);
  out.form = 'binary';
  out.sinkId = headerSize === 4 ? bytes[offset + 2]! : view.getInt32(offset + 4);
  out.sourceId = readBinaryFrom(bytes, view, offset, headerSize);
  out.streamId = view.getInt32(p);
  out.sequence = view.getInt32(p + 4);
  out.channel = bytes[p + 8]!;
  const flags = bytes[p + 9]!;
  const size = view.getUint16(p + 10);
  p += 12;
  const need =
    (flags & DataFlag.Frames ? 8 : 0) +
    (flags & DataFlag.StreamMessage ? 4 : 0) +
    (flags & DataFlag.SampleRate ? 8 : 0) +
    (flags & DataFlag.TimeStamp ? 8 : 0) +
    size;
  if (p + need > end) return decodeError('malformed', `binary /data: fields and ${size}-byte payload exceed the ${length}-byte packet`);
  if (flags & DataFlag.Frames) {
    out.totalSize = view.getUint32(p);
    out.frameCount = view.getUint16(p + 4);
    out.frameIndex = view.getUint16(p + 6);
    p += 8;
  } else {
    out.totalSize = size;
    out.frameCount = size > 0 ? 1 : 0;
    out.frameIndex = 0;
  }
  if (flags & DataFlag.StreamMessage) {
    out.messageSize = view.getUint32(p);
    p += 4;
  } else out.messageSize = 0;
  if (flags & DataFlag.SampleRate) {
    out.sampleRate = view.getFloat64(p);
    p += 8;
  } else out.sampleRate = 0;
  if (flags & DataFlag.TimeStamp) {
    out.timestamp = view.getBigUint64(p);
    p += 8;
  } else out.timestamp = null;
  out.xrun = (flags & DataFlag.XRun) !== 0;
  out.payload = bytes;
  out.payloadOffset = p;
  out.payloadSize = size;
  return validateFrame(out);
}

/** Checks the frame fields for consistency, so the jitter buffer can trust them. */
function validateFrame(m: SinkData): AooDecodeError | null {
  if (m.frameCount > 0 && m.frameIndex >= m.frameCount) {
    return decodeError('malformed', `/data frame index ${m.frameIndex} >= frame count ${m.frameCount}`);
  }
  if (m.messageSize > m.totalSize) return decodeError('malformed', `/data message size ${m.messageSize} > block size ${m.totalSize}`);
  if (m.payloadSize > m.totalSize) return decodeError('malformed', `/data frame of ${m.payloadSize} bytes > block size ${m.totalSize}`);
  return null;
}

/** Writes binary `/data`; returns its length, or -1 if `buf` has no room. */
export function encodeBinaryData(buf: Uint8Array, offset: number, m: SinkData): number {
  const size = binaryDataSize(m);
  if (offset + size > buf.length) return -1;
  const view = encodeViews.of(buf);
  let p = offset + writeBinaryHeader(buf, view, offset, MsgType.Sink, 0, m.sinkId, m.sourceId);
  const flags =
    (m.sampleRate !== 0 ? DataFlag.SampleRate : 0) |
    (m.frameCount > 1 ? DataFlag.Frames : 0) |
    (m.messageSize > 0 ? DataFlag.StreamMessage : 0) |
    (m.xrun ? DataFlag.XRun : 0) |
    (m.timestamp !== null ? DataFlag.TimeStamp : 0);
  view.setInt32(p, m.streamId);
  view.setInt32(p + 4, m.sequence);
  buf[p + 8] = m.channel;
  buf[p + 9] = flags;
  view.setUint16(p + 10, m.payloadSize);
  p += 12;
  if (flags & DataFlag.Frames) {
    view.setUint32(p, m.totalSize);
    view.setUint16(p + 4, m.frameCount);
    view.setUint16(p + 6, m.frameIndex);
    p += 8;
  }
  if (flags & DataFlag.StreamMessage) {
    view.setUint32(p, m.messageSize);
    p += 4;
  }
  if (m.sampleRate !== 0) {
    view.setFloat64(p, m.sampleRate);
    p += 8;
  }
  if (m.timestamp !== null) {
    view.setBigUint64(p, m.timestamp);
    p += 8;
  }
  copyBytes(m.payload, m.payloadOffset, buf, view, p, m.payloadSize);
  return size;
}

export const sinkDataBinary: BinaryMessageCodec<SinkData> = {
  kind: 'sink/data',
  type: MsgType.Sink,
  cmd: 0,
  decode(bytes, offset, length, headerSize) {
    const out = emptySinkData();
    return decodeBinaryDataInto(bytes, offset, length, headerSize, out) ?? out;
  },
  encode: encodeBinaryData,
};

/** OSC form: `,iii(t|N)(d|N)ii(i|N)(ii|NN)(b|N)`. */
export const sinkDataOsc: OscMessageCodec<SinkData> = {
  kind: 'sink/data',
  type: MsgType.Sink,
  subAddress: '/data',
  decode(r, id) {
    const m = emptySinkData();
    m.form = 'osc';
    m.sinkId = id ?? 0;
    m.sourceId = r.int();
    m.streamId = r.int();
    m.sequence = r.int();
    m.timestamp = r.nil() ? null : r.time();
    m.sampleRate = r.nil() ? 0 : r.double();
    m.channel = r.int();
    m.totalSize = r.int();
    m.messageSize = r.nil() ? 0 : r.int();
    if (r.nil()) {
      if (!r.nil()) r.reject('type-mismatch', '/data: frame count "N" must be followed by "N"');
      // the reference reads nframes = 1 even for an empty block (spec §13 #6); an empty block has no frames
      m.frameCount = m.totalSize > 0 ? 1 : 0;
      m.frameIndex = 0;
    } else {
      m.frameCount = r.int();
      m.frameIndex = r.int();
    }
    if (r.nil()) {
      m.xrun = true;
      m.payloadSize = 0;
    } else {
      m.payloadOffset = r.blobRange();
      m.payloadSize = r.lastBlobSize;
      m.payload = r.bytes;
    }
    if (r.error === null) {
      if (m.totalSize < 0 || m.messageSize < 0 || m.frameCount < 0 || m.frameIndex < 0) {
        r.reject('bad-size', '/data: negative size, count or index');
      } else {
        const e = validateFrame(m);
        if (e !== null) r.reject('bad-size', e.detail);
      }
    }
    return m;
  },
  encode(w, buf, offset, m) {
    const framed = m.frameCount > 1;
    const tags = `iii${m.timestamp === null ? 'N' : 't'}${m.sampleRate === 0 ? 'N' : 'd'}ii${m.messageSize > 0 ? 'i' : 'N'}${framed ? 'ii' : 'NN'}${m.xrun ? 'N' : 'b'}`;
    w.begin(buf, offset, aooAddress(MsgType.Sink, m.sinkId, '/data'), tags).int(m.sourceId).int(m.streamId).int(m.sequence);
    if (m.timestamp === null) w.nil();
    else w.time(m.timestamp);
    if (m.sampleRate === 0) w.nil();
    else w.double(m.sampleRate);
    w.int(m.channel).int(m.totalSize);
    if (m.messageSize > 0) w.int(m.messageSize);
    else w.nil();
    if (framed) w.int(m.frameCount).int(m.frameIndex);
    else w.nil().nil();
    if (m.xrun) w.nil();
    else w.blob(m.payload, m.payloadOffset, m.payloadSize);
    return w.end();
  },
};
