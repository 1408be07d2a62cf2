import { MsgType } from '../constants.ts';
import { noArgumentCodec } from './fields.ts';

/** `/aoo/server/query` (UDP, spec §11.4): asks for the client's public address. */
export interface ServerQuery {
  readonly kind: 'server/query';
}

/** `/aoo/server/ping` (UDP NAT keep-alive and TCP heartbeat, spec §11.3). */
export interface ServerPing {
  readonly kind: 'server/ping';
}

/** `/aoo/server/pong`: the client answers the server's TCP `/aoo/client/ping`. */
export interface ServerPong {
  readonly kind: 'server/pong';
}

export const serverQuery = noArgumentCodec<ServerQuery>('server/query', MsgType.Server, '/query');
export const serverPing = noArgumentCodec<ServerPing>('server/ping', MsgType.Server, '/ping');
export const serverPong = noArgumentCodec<ServerPong>('server/pong', MsgType.Server, '/pong');
