import type { StreamFormat } from '../../../codec/codec.ts';
import type { NtpTime } from '../../ntp.ts';
import { MsgType } from '../constants.ts';
import { type AooData, optionalDataTags, readOptionalData, writeOptionalData } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';

/** `/aoo/sink/<K>/start` (spec §4.1): a source announces a stream and its format. */
export interface SinkStart {
  readonly kind: 'sink/start';
  readonly sinkId: number;
  readonly sourceId: number;
  readonly version: string;
  readonly streamId: number;
  /** First sequence number of the data that follows. */
  readonly seqStart: number;
  /** Random ID; a new one means the format changed. */
  readonly formatId: number;
  readonly format: StreamFormat;
  readonly startTime: NtpTime;
  /** Source reblock/resample latency, samples at the format rate. */
  readonly latency: number;
  readonly codecDelay: number;
  readonly metadata: AooData | null;
  /** Stream sample offset; null in the old form without it. */
  readonly offset: number | null;
}

export const sinkStart: OscMessageCodec<SinkStart> = {
  kind: 'sink/start',
  type: MsgType.Sink,
  subAddress: '/start',
  decode(r, id) {
    const sourceId = r.int();
    const version = r.string();
    const streamId = r.int();
    const seqStart = r.int();
    const formatId = r.int();
    const channels = r.int();
    const sampleRate = r.int();
    const blockSize = r.int();
    const codec = r.string();
    const extension = r.blob();
    const startTime = r.time();
    const latency = r.int();
    const codecDelay = r.int();
    const metadata = readOptionalData(r);
    const offset = r.remaining > 0 ? r.int() : null;
    return {
      kind: 'sink/start',
      sinkId: id ?? 0,
      sourceId,
      version,
      streamId,
      seqStart,
      formatId,
      format: { codec, channels, sampleRate, blockSize, extension },
      startTime,
      latency,
      codecDelay,
      metadata,
      offset,
    };
  },
  encode(w, buf, offset, m) {
    const tags = `isiiiiiisbtii${optionalDataTags(m.metadata)}${m.offset === null ? '' : 'i'}`;
    w.begin(buf, offset, aooAddress(MsgType.Sink, m.sinkId, '/start'), tags)
      .int(m.sourceId)
      .string(m.version)
      .int(m.streamId)
      .int(m.seqStart)
      .int(m.formatId)
      .int(m.format.channels)
      .int(m.format.sampleRate)
      .int(m.format.blockSize)
      .string(m.format.codec)
      .blob(m.format.extension)
      .time(m.startTime)
      .int(m.latency)
      .int(m.codecDelay);
    writeOptionalData(w, m.metadata);
    if (m.offset !== null) w.int(m.offset);
    return w.end();
  },
};
