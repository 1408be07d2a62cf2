import { MsgType } from '../constants.ts';
import type { AooData } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';
import { readData, writeData } from '../server/fields.ts';
import { type RequestResult, encodeRequestError, readRequestError } from './reply.ts';

/**
 * `/aoo/client/group/update` or `/aoo/client/user/update` (spec §11.6): the reply to an update,
 * `,iiib` `token, 0, type, data` echoing the new metadata, or the error form (which the
 * reference server never sends, spec §13 #5).
 */
export interface ClientMetadataUpdate<K extends 'client/group/update' | 'client/user/update'> {
  readonly kind: K;
  readonly token: number;
  readonly result: RequestResult<{ readonly data: AooData }>;
}

export type ClientGroupUpdate = ClientMetadataUpdate<'client/group/update'>;
export type ClientUserUpdate = ClientMetadataUpdate<'client/user/update'>;

function metadataUpdateCodec<K extends 'client/group/update' | 'client/user/update'>(kind: K, subAddress: string): OscMessageCodec<ClientMetadataUpdate<K>> {
  const address = aooAddress(MsgType.Client, null, subAddress);
  return {
    kind,
    type: MsgType.Client,
    subAddress,
    decode(r) {
      const token = r.int();
      const code = r.int();
      return { kind, token, result: code !== 0 ? readRequestError(r, code) : { ok: true, data: readData(r) } };
    },
    encode(w, buf, offset, m) {
      if (!m.result.ok) return encodeRequestError(w, buf, offset, address, m.token, m.result);
      w.begin(buf, offset, address, 'iiib').int(m.token).int(0);
      writeData(w, m.result.data);
      return w.end();
    },
  };
}

export const clientGroupUpdate = metadataUpdateCodec('client/group/update', '/group/update');
export const clientUserUpdate = metadataUpdateCodec('client/user/update', '/user/update');

/** A handled custom request: `,iiiib` `token, 0, flags, type, data`. */
export interface CustomRequestSuccess {
  readonly flags: number;
  readonly data: AooData;
}

/** `/aoo/client/request`: the reply to `/aoo/server/request`; 1001 (UnhandledRequest) without a server-side handler. */
export interface ClientRequest {
  readonly kind: 'client/request';
  readonly token: number;
  readonly result: RequestResult<CustomRequestSuccess>;
}

const REQUEST_ADDRESS = aooAddress(MsgType.Client, null, '/request');

export const clientRequest: OscMessageCodec<ClientRequest> = {
  kind: 'client/request',
  type: MsgType.Client,
  subAddress: '/request',
  decode(r) {
    const token = r.int();
    const code = r.int();
    if (code !== 0) return { kind: 'client/request', token, result: readRequestError(r, code) };
    const flags = r.int();
    return { kind: 'client/request', token, result: { ok: true, flags, data: readData(r) } };
  },
  encode(w, buf, offset, m) {
    const res = m.result;
    if (!res.ok) return encodeRequestError(w, buf, offset, REQUEST_ADDRESS, m.token, res);
    w.begin(buf, offset, REQUEST_ADDRESS, 'iiiib').int(m.token).int(0).int(res.flags);
    writeData(w, res.data);
    return w.end();
  },
};
