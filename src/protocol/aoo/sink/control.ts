import type { NtpTime } from '../../ntp.ts';
import { MsgType } from '../constants.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';

/** `/aoo/sink/<K>/stop` (spec §4.2). `lastSequence` and `offset` are absent in the old 2-argument form. */
export interface SinkStop {
  readonly kind: 'sink/stop';
  readonly sinkId: number;
  readonly sourceId: number;
  readonly streamId: number;
  readonly end: { readonly lastSequence: number; readonly offset: number } | null;
}

export const sinkStop: OscMessageCodec<SinkStop> = {
  kind: 'sink/stop',
  type: MsgType.Sink,
  subAddress: '/stop',
  decode(r, id) {
    const sourceId = r.int();
    const streamId = r.int();
    const end = r.remaining >= 2 ? { lastSequence: r.int(), offset: r.int() } : null;
    return { kind: 'sink/stop', sinkId: id ?? 0, sourceId, streamId, end };
  },
  encode(w, buf, offset, m) {
    w.begin(buf, offset, aooAddress(MsgType.Sink, m.sinkId, '/stop'), m.end === null ? 'ii' : 'iiii')
      .int(m.sourceId)
      .int(m.streamId);
    if (m.end !== null) w.int(m.end.lastSequence).int(m.end.offset);
    return w.end();
  },
};

/** `/aoo/sink/<K>/decline` (spec §4.4): the source declines an invitation. */
export interface SinkDecline {
  readonly kind: 'sink/decline';
  readonly sinkId: number;
  readonly sourceId: number;
  readonly token: number;
}

export const sinkDecline: OscMessageCodec<SinkDecline> = {
  kind: 'sink/decline',
  type: MsgType.Sink,
  subAddress: '/decline',
  decode(r, id) {
    return { kind: 'sink/decline', sinkId: id ?? 0, sourceId: r.int(), token: r.int() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Sink, m.sinkId, '/decline'), 'ii').int(m.sourceId).int(m.token).end();
  },
};

/** `/aoo/sink/<K>/ping` (spec §4.5). */
export interface SinkPing {
  readonly kind: 'sink/ping';
  readonly sinkId: number;
  readonly sourceId: number;
  readonly t1: NtpTime;
}

export const sinkPing: OscMessageCodec<SinkPing> = {
  kind: 'sink/ping',
  type: MsgType.Sink,
  subAddress: '/ping',
  decode(r, id) {
    return { kind: 'sink/ping', sinkId: id ?? 0, sourceId: r.int(), t1: r.time() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Sink, m.sinkId, '/ping'), 'it').int(m.sourceId).time(m.t1).end();
  },
};

/** `/aoo/sink/<K>/pong` (spec §4.6): the source answers the sink's ping. */
export interface SinkPong {
  readonly kind: 'sink/pong';
  readonly sinkId: number;
  readonly sourceId: number;
  readonly t1: NtpTime;
  readonly t2: NtpTime;
  readonly t3: NtpTime;
}

export const sinkPong: OscMessageCodec<SinkPong> = {
  kind: 'sink/pong',
  type: MsgType.Sink,
  subAddress: '/pong',
  decode(r, id) {
    return { kind: 'sink/pong', sinkId: id ?? 0, sourceId: r.int(), t1: r.time(), t2: r.time(), t3: r.time() };
  },
  encode(w, buf, offset, m) {
    return w
      .begin(buf, offset, aooAddress(MsgType.Sink, m.sinkId, '/pong'), 'ittt')
      .int(m.sourceId)
      .time(m.t1)
      .time(m.t2)
      .time(m.t3)
      .end();
  },
};
