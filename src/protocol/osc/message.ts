import { type Result, err, ok } from '../result.ts';
import type { OscError } from './error.ts';
import { OscReader } from './reader.ts';
import { pad4, utf8Length } from './strings.ts';
import { OscWriter } from './writer.ts';

/** One OSC argument as a value. Integers of 64 bits and timetags are bigints. */
export type OscArg =
  | { readonly type: 'i'; readonly value: number }
  | { readonly type: 'f'; readonly value: number }
  | { readonly type: 'd'; readonly value: number }
  | { readonly type: 'h'; readonly value: bigint }
  | { readonly type: 't'; readonly value: bigint }
  | { readonly type: 's'; readonly value: string }
  | { readonly type: 'b'; readonly value: Uint8Array }
  | { readonly type: 'N' }
  | { readonly type: 'T' }
  | { readonly type: 'F' };

export interface OscMessage {
  readonly address: string;
  readonly args: readonly OscArg[];
}

const reader = new OscReader();
const writer = new OscWriter();

/** Decodes a whole message into values. Blobs are views into `bytes`. */
export function decodeOscMessage(bytes: Uint8Array, offset = 0, length = bytes.length - offset): Result<OscMessage, OscError> {
  const r = reader;
  const e = r.reset(bytes, offset, length);
  if (e !== null) return err(e);
  const args: OscArg[] = [];
  while (r.remaining > 0 && r.error === null) args.push(readArg(r));
  if (r.error !== null) return err(r.error);
  return ok({ address: r.address(), args });
}

function readArg(r: OscReader): OscArg {
  const tag = r.peek();
  switch (tag) {
    case 'i':
      return { type: 'i', value: r.int() };
    case 'f':
      return { type: 'f', value: r.float() };
    case 'd':
      return { type: 'd', value: r.double() };
    case 'h':
      return { type: 'h', value: r.int64() };
    case 't':
      return { type: 't', value: r.time() };
    case 's':
      return { type: 's', value: r.string() };
    case 'b':
      return { type: 'b', value: r.blob() };
    case 'T':
    case 'F':
      r.bool();
      return { type: tag };
    default:
      r.nil();
      return { type: 'N' };
  }
}

/** Byte size of the encoded message. */
export function oscMessageSize(msg: OscMessage): number {
  let n = pad4(utf8Length(msg.address) + 1) + pad4(msg.args.length + 2);
  for (const a of msg.args) {
    switch (a.type) {
      case 'i':
      case 'f':
        n += 4;
        break;
      case 'd':
      case 'h':
      case 't':
        n += 8;
        break;
      case 's':
        n += pad4(utf8Length(a.value) + 1);
        break;
      case 'b':
        n += 4 + pad4(a.value.length);
        break;
    }
  }
  return n;
}

/** Encodes `msg` into `buf` at `offset`; returns the byte length. */
export function encodeOscMessage(msg: OscMessage, buf: Uint8Array, offset = 0): Result<number, OscError> {
  let tags = '';
  for (const a of msg.args) tags += a.type;
  const w = writer.begin(buf, offset, msg.address, tags);
  for (const a of msg.args) {
    switch (a.type) {
      case 'i':
        w.int(a.value);
        break;
      case 'f':
        w.float(a.value);
        break;
      case 'd':
        w.double(a.value);
        break;
      case 'h':
        w.int64(a.value);
        break;
      case 't':
        w.time(a.value);
        break;
      case 's':
        w.string(a.value);
        break;
      case 'b':
        w.blob(a.value);
        break;
      case 'N':
        w.nil();
        break;
      case 'T':
      case 'F':
        w.bool(a.type === 'T');
        break;
    }
  }
  const n = w.end();
  return typeof n === 'number' ? ok(n) : err(n);
}

/** Encodes into a fresh buffer of exactly the right size. */
export function encodeOscMessageToBytes(msg: OscMessage): Result<Uint8Array, OscError> {
  const buf = new Uint8Array(oscMessageSize(msg));
  const r = encodeOscMessage(msg, buf);
  return r.ok ? ok(buf) : r;
}
