/** Argument groups shared by the messages to the server and to the client (spec §11.4–11.6). */
import type { OscReader } from '../../osc/reader.ts';
import type { OscWriter } from '../../osc/writer.ts';
import type { MsgType } from '../constants.ts';
import { type AooData, type IpEndpoint, readOptionalEndpoint } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';

/** A required `i type, b data` pair (updates, change notifications, custom requests): nil and empty content are rejected, as the reference does. */
export function readData(r: OscReader): AooData {
  const type = r.int();
  const bytes = r.blob();
  if (r.error === null && bytes.length === 0) r.reject('bad-size', 'data content must not be empty');
  return { type, bytes };
}

export function writeData(w: OscWriter, d: AooData): void {
  w.int(d.type).blob(d.bytes);
}

/** An optional relay host `s i | N N`; the hostname may be "" (= the sender's IP), the port must be > 0. */
export function readRelayHost(r: OscReader): IpEndpoint | null {
  const host = readOptionalEndpoint(r);
  if (host !== null && r.error === null && host.port <= 0) r.reject('bad-size', `relay host port ${host.port} must be > 0`);
  return host;
}

/** Codec of a message without arguments (`/query`, `/ping`, `/pong`). */
export function noArgumentCodec<M extends { readonly kind: string }>(kind: M['kind'], type: MsgType, subAddress: string): OscMessageCodec<M> {
  const address = aooAddress(type, null, subAddress);
  return {
    kind,
    type,
    subAddress,
    decode: () => ({ kind }) as M,
    encode: (w, buf, offset) => w.begin(buf, offset, address, '').end(),
  };
}
