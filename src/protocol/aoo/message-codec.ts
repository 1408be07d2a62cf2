import type { OscError } from '../osc/error.ts';
import type { OscReader } from '../osc/reader.ts';
import type { OscWriter } from '../osc/writer.ts';
import { MsgType } from './constants.ts';

/** Why a datagram is not a valid AOO message. */
export interface AooDecodeError {
  readonly kind: 'foreign' | 'malformed' | 'unknown-message' | 'bad-arguments';
  readonly detail: string;
}

export function decodeError(kind: AooDecodeError['kind'], detail: string): AooDecodeError {
  return { kind, detail };
}

/** Codec of one OSC-form message, found by (type, sub-address). */
export interface OscMessageCodec<M extends { readonly kind: string }> {
  readonly kind: M['kind'];
  readonly type: MsgType;
  /** The part of the address after the type (and ID) segment, e.g. "/start", "/group/join". */
  readonly subAddress: string;
  /** Reads the arguments; faults are left in `r.error`. `id` is the address ID of src/sink messages. */
  decode(r: OscReader, id: number | null): M;
  /** Writes the whole message; returns its length or the writer's error. */
  encode(w: OscWriter, buf: Uint8Array, offset: number, m: M): number | OscError;
}

/** Codec of one binary-form message, found by (type, cmd). */
export interface BinaryMessageCodec<M extends { readonly kind: string }> {
  readonly kind: M['kind'];
  readonly type: MsgType;
  readonly cmd: number;
  /** Decodes from `bytes[offset, offset+length)`; the header has `headerSize` bytes. */
  decode(bytes: Uint8Array, offset: number, length: number, headerSize: 4 | 12): M | AooDecodeError;
  /** Writes the message; returns its length, or -1 if `buf` has no room. */
  encode(buf: Uint8Array, offset: number, m: M): number;
}

const TYPE_SEGMENT: Record<MsgType, string> = {
  [MsgType.Source]: '/aoo/src',
  [MsgType.Sink]: '/aoo/sink',
  [MsgType.Server]: '/aoo/server',
  [MsgType.Client]: '/aoo/client',
  [MsgType.Peer]: '/aoo/peer',
  [MsgType.Relay]: '/aoo/relay',
};

/** "/aoo/sink/2/start", "/aoo/client/group/join". `id` only for src and sink. */
export function aooAddress(type: MsgType, id: number | null, subAddress: string): string {
  return id === null ? TYPE_SEGMENT[type] + subAddress : `${TYPE_SEGMENT[type]}/${id}${subAddress}`;
}
