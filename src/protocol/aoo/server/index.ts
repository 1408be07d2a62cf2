import type { BinaryMessageCodec, OscMessageCodec } from '../message-codec.ts';
import { type ServerGroupJoin, type ServerGroupLeave, serverGroupJoin, serverGroupLeave } from './group.ts';
import { type ServerLogin, serverLogin } from './login.ts';
import { type ServerPing, type ServerPong, type ServerQuery, serverPing, serverPong, serverQuery } from './ping.ts';
import { type ServerGroupUpdate, type ServerRequest, type ServerUserUpdate, serverGroupUpdate, serverRequest, serverUserUpdate } from './update.ts';

/** Messages a client sends to the server (`/aoo/server/…`; UDP query/ping, everything else over TCP). The server has no binary messages. */
export type ServerMessage =
  | ServerQuery
  | ServerPing
  | ServerPong
  | ServerLogin
  | ServerGroupJoin
  | ServerGroupLeave
  | ServerGroupUpdate
  | ServerUserUpdate
  | ServerRequest;

export const serverOscCodecs: readonly OscMessageCodec<ServerMessage>[] = [
  serverQuery,
  serverPing,
  serverPong,
  serverLogin,
  serverGroupJoin,
  serverGroupLeave,
  serverGroupUpdate,
  serverUserUpdate,
  serverRequest,
] as OscMessageCodec<ServerMessage>[];
export const serverBinaryCodecs: readonly BinaryMessageCodec<ServerMessage>[] = [];
