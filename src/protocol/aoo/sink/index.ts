import type { BinaryMessageCodec, OscMessageCodec } from '../message-codec.ts';
import { type SinkDecline, type SinkPing, type SinkPong, type SinkStop, sinkDecline, sinkPing, sinkPong, sinkStop } from './control.ts';
import { type SinkData, sinkDataBinary, sinkDataOsc } from './data.ts';
import { type SinkStart, sinkStart } from './start.ts';

/** Messages a source sends to a sink (`/aoo/sink/<K>/…`, binary type 0x81). */
export type SinkMessage = SinkStart | SinkStop | SinkData | SinkDecline | SinkPing | SinkPong;

export const sinkOscCodecs: readonly OscMessageCodec<SinkMessage>[] = [sinkStart, sinkStop, sinkDataOsc, sinkDecline, sinkPing, sinkPong] as OscMessageCodec<SinkMessage>[];
export const sinkBinaryCodecs: readonly BinaryMessageCodec<SinkMessage>[] = [sinkDataBinary] as BinaryMessageCodec<SinkMessage>[];
