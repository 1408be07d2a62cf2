import type { BinaryMessageCodec, OscMessageCodec } from '../message-codec.ts';
import { type SourceDataRequest, sourceDataRequestBinary, sourceDataRequestOsc } from './data-request.ts';
import {
  type SourceInvite,
  type SourcePing,
  type SourcePong,
  type SourceStartRequest,
  type SourceStopRequest,
  type SourceUninvite,
  sourceInvite,
  sourcePing,
  sourcePong,
  sourceStartRequest,
  sourceStopRequest,
  sourceUninvite,
} from './requests.ts';

/** Messages a sink sends to a source (`/aoo/src/<S>/…`, binary type 0x80). */
export type SourceMessage = SourceStartRequest | SourceStopRequest | SourceDataRequest | SourceInvite | SourceUninvite | SourcePing | SourcePong;

export const sourceOscCodecs: readonly OscMessageCodec<SourceMessage>[] = [
  sourceStartRequest,
  sourceStopRequest,
  sourceDataRequestOsc,
  sourceInvite,
  sourceUninvite,
  sourcePing,
  sourcePong,
] as OscMessageCodec<SourceMessage>[];
export const sourceBinaryCodecs: readonly BinaryMessageCodec<SourceMessage>[] = [sourceDataRequestBinary] as BinaryMessageCodec<SourceMessage>[];
