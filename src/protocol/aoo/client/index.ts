import type { BinaryMessageCodec, OscMessageCodec } from '../message-codec.ts';
import { type ClientGroupChanged, type ClientPeerChanged, type ClientUserChanged, clientGroupChanged, clientPeerChanged, clientUserChanged } from './changed.ts';
import { type ClientGroupEject, type ClientGroupJoin, type ClientGroupLeave, clientGroupEject, clientGroupJoin, clientGroupLeave } from './group.ts';
import { type ClientLogin, clientLogin } from './login.ts';
import { type ClientNotification, clientNotification } from './notification.ts';
import { type ClientPeerJoin, type ClientPeerLeave, clientPeerJoin, clientPeerLeave } from './peer.ts';
import { type ClientPing, type ClientPong, type ClientQuery, clientPing, clientPong, clientQuery } from './ping.ts';
import { type ClientGroupUpdate, type ClientRequest, type ClientUserUpdate, clientGroupUpdate, clientRequest, clientUserUpdate } from './update.ts';

/** Messages the server sends to a client (`/aoo/client/…`; UDP query/pong, everything else over TCP). No binary messages. */
export type ClientMessage =
  | ClientQuery
  | ClientPing
  | ClientPong
  | ClientLogin
  | ClientGroupJoin
  | ClientGroupLeave
  | ClientGroupEject
  | ClientGroupUpdate
  | ClientUserUpdate
  | ClientRequest
  | ClientPeerJoin
  | ClientPeerLeave
  | ClientGroupChanged
  | ClientUserChanged
  | ClientPeerChanged
  | ClientNotification;

export const clientOscCodecs: readonly OscMessageCodec<ClientMessage>[] = [
  clientQuery,
  clientPing,
  clientPong,
  clientLogin,
  clientGroupJoin,
  clientGroupLeave,
  clientGroupEject,
  clientGroupUpdate,
  clientUserUpdate,
  clientRequest,
  clientPeerJoin,
  clientPeerLeave,
  clientGroupChanged,
  clientUserChanged,
  clientPeerChanged,
  clientNotification,
] as OscMessageCodec<ClientMessage>[];
export const clientBinaryCodecs: readonly BinaryMessageCodec<ClientMessage>[] = [];
