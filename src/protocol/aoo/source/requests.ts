import type { NtpTime } from '../../ntp.ts';
import { MsgType } from '../constants.ts';
import { type AooData, optionalDataTags, readOptionalData, writeOptionalData } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';

/** `/aoo/src/<S>/start` (spec §4.7): a sink asks the source to (re)send `/start`. */
export interface SourceStartRequest {
  readonly kind: 'source/start';
  readonly sourceId: number;
  readonly sinkId: number;
  readonly version: string;
}

export const sourceStartRequest: OscMessageCodec<SourceStartRequest> = {
  kind: 'source/start',
  type: MsgType.Source,
  subAddress: '/start',
  decode(r, id) {
    return { kind: 'source/start', sourceId: id ?? 0, sinkId: r.int(), version: r.string() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Source, m.sourceId, '/start'), 'is').int(m.sinkId).string(m.version).end();
  },
};

/** `/aoo/src/<S>/stop` (spec §4.8): a sink asks the source to (re)send `/stop`. */
export interface SourceStopRequest {
  readonly kind: 'source/stop';
  readonly sourceId: number;
  readonly sinkId: number;
  readonly streamId: number;
}

export const sourceStopRequest: OscMessageCodec<SourceStopRequest> = {
  kind: 'source/stop',
  type: MsgType.Source,
  subAddress: '/stop',
  decode(r, id) {
    return { kind: 'source/stop', sourceId: id ?? 0, sinkId: r.int(), streamId: r.int() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Source, m.sourceId, '/stop'), 'ii').int(m.sinkId).int(m.streamId).end();
  },
};

/** `/aoo/src/<S>/invite` (spec §4.10). The token becomes the stream ID if the source accepts. */
export interface SourceInvite {
  readonly kind: 'source/invite';
  readonly sourceId: number;
  readonly sinkId: number;
  readonly token: number;
  readonly metadata: AooData | null;
}

export const sourceInvite: OscMessageCodec<SourceInvite> = {
  kind: 'source/invite',
  type: MsgType.Source,
  subAddress: '/invite',
  decode(r, id) {
    return { kind: 'source/invite', sourceId: id ?? 0, sinkId: r.int(), token: r.int(), metadata: readOptionalData(r) };
  },
  encode(w, buf, offset, m) {
    w.begin(buf, offset, aooAddress(MsgType.Source, m.sourceId, '/invite'), `ii${optionalDataTags(m.metadata)}`).int(m.sinkId).int(m.token);
    writeOptionalData(w, m.metadata);
    return w.end();
  },
};

/** `/aoo/src/<S>/uninvite` (spec §4.11): `token` is the current stream ID to stop. */
export interface SourceUninvite {
  readonly kind: 'source/uninvite';
  readonly sourceId: number;
  readonly sinkId: number;
  readonly token: number;
}

export const sourceUninvite: OscMessageCodec<SourceUninvite> = {
  kind: 'source/uninvite',
  type: MsgType.Source,
  subAddress: '/uninvite',
  decode(r, id) {
    return { kind: 'source/uninvite', sourceId: id ?? 0, sinkId: r.int(), token: r.int() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Source, m.sourceId, '/uninvite'), 'ii').int(m.sinkId).int(m.token).end();
  },
};

/** `/aoo/src/<S>/ping` (spec §4.12). */
export interface SourcePing {
  readonly kind: 'source/ping';
  readonly sourceId: number;
  readonly sinkId: number;
  readonly t1: NtpTime;
}

export const sourcePing: OscMessageCodec<SourcePing> = {
  kind: 'source/ping',
  type: MsgType.Source,
  subAddress: '/ping',
  decode(r, id) {
    return { kind: 'source/ping', sourceId: id ?? 0, sinkId: r.int(), t1: r.time() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Source, m.sourceId, '/ping'), 'it').int(m.sinkId).time(m.t1).end();
  },
};

/** `/aoo/src/<S>/pong` (spec §4.13): the sink answers the source's ping, with its packet-loss estimate. */
export interface SourcePong {
  readonly kind: 'source/pong';
  readonly sourceId: number;
  readonly sinkId: number;
  readonly t1: NtpTime;
  readonly t2: NtpTime;
  readonly t3: NtpTime;
  /** 0..1; null in the old form without it. */
  readonly packetLoss: number | null;
}

export const sourcePong: OscMessageCodec<SourcePong> = {
  kind: 'source/pong',
  type: MsgType.Source,
  subAddress: '/pong',
  decode(r, id) {
    const sinkId = r.int();
    const t1 = r.time();
    const t2 = r.time();
    const t3 = r.time();
    const packetLoss = r.remaining > 0 ? r.float() : null;
    return { kind: 'source/pong', sourceId: id ?? 0, sinkId, t1, t2, t3, packetLoss };
  },
  encode(w, buf, offset, m) {
    w.begin(buf, offset, aooAddress(MsgType.Source, m.sourceId, '/pong'), m.packetLoss === null ? 'ittt' : 'itttf')
      .int(m.sinkId)
      .time(m.t1)
      .time(m.t2)
      .time(m.t3);
    if (m.packetLoss !== null) w.float(m.packetLoss);
    return w.end();
  },
};
