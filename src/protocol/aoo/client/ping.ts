import { MsgType } from '../constants.ts';
import { type IpEndpoint, readEndpoint } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';
import { noArgumentCodec } from '../server/fields.ts';

/** `/aoo/client/query ,si` (UDP, spec §11.4): the server tells the client its public address (unmapped). */
export interface ClientQuery {
  readonly kind: 'client/query';
  readonly publicAddress: IpEndpoint;
}

export const clientQuery: OscMessageCodec<ClientQuery> = {
  kind: 'client/query',
  type: MsgType.Client,
  subAddress: '/query',
  decode(r) {
    return { kind: 'client/query', publicAddress: readEndpoint(r) };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Client, null, '/query'), 'si').string(m.publicAddress.host).int(m.publicAddress.port).end();
  },
};

/** `/aoo/client/ping` (TCP heartbeat from the server, spec §11.3). */
export interface ClientPing {
  readonly kind: 'client/ping';
}

/** `/aoo/client/pong`: the server answers `/aoo/server/ping` (UDP and TCP). */
export interface ClientPong {
  readonly kind: 'client/pong';
}

export const clientPing = noArgumentCodec<ClientPing>('client/ping', MsgType.Client, '/ping');
export const clientPong = noArgumentCodec<ClientPong>('client/pong', MsgType.Client, '/pong');
