import { MsgType } from '../constants.ts';
import type { AooData } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';
import { readData, writeData } from './fields.ts';

/** `/aoo/server/group/update` or `/aoo/server/user/update` (spec §11.6): new metadata for a group or for the own user in it. */
export interface ServerMetadataUpdate<K extends 'server/group/update' | 'server/user/update'> {
  readonly kind: K;
  readonly token: number;
  readonly groupId: number;
  readonly data: AooData;
}

export type ServerGroupUpdate = ServerMetadataUpdate<'server/group/update'>;
export type ServerUserUpdate = ServerMetadataUpdate<'server/user/update'>;

function metadataUpdateCodec<K extends 'server/group/update' | 'server/user/update'>(kind: K, subAddress: string): OscMessageCodec<ServerMetadataUpdate<K>> {
  const address = aooAddress(MsgType.Server, null, subAddress);
  return {
    kind,
    type: MsgType.Server,
    subAddress,
    decode(r) {
      return { kind, token: r.int(), groupId: r.int(), data: readData(r) };
    },
    encode(w, buf, offset, m) {
      w.begin(buf, offset, address, 'iiib').int(m.token).int(m.groupId);
      writeData(w, m.data);
      return w.end();
    },
  };
}

export const serverGroupUpdate = metadataUpdateCodec('server/group/update', '/group/update');
export const serverUserUpdate = metadataUpdateCodec('server/user/update', '/user/update');

/** `/aoo/server/request` (spec §11.6): a custom request for the server's request handler. */
export interface ServerRequest {
  readonly kind: 'server/request';
  readonly token: number;
  readonly flags: number;
  readonly data: AooData;
}

export const serverRequest: OscMessageCodec<ServerRequest> = {
  kind: 'server/request',
  type: MsgType.Server,
  subAddress: '/request',
  decode(r) {
    return { kind: 'server/request', token: r.int(), flags: r.int(), data: readData(r) };
  },
  encode(w, buf, offset, m) {
    w.begin(buf, offset, aooAddress(MsgType.Server, null, '/request'), 'iiib').int(m.token).int(m.flags);
    writeData(w, m.data);
    return w.end();
  },
};
