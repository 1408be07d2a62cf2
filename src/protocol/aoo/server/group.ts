import { MsgType } from '../constants.ts';
import {
  type AooData,
  type IpEndpoint,
  optionalDataTags,
  optionalEndpointTags,
  readOptionalData,
  writeOptionalData,
  writeOptionalEndpoint,
} from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';
import { readRelayHost } from './fields.ts';

/** `/aoo/server/group/join` (spec §11.5). Passwords are MD5 hex or "". */
export interface ServerGroupJoin {
  readonly kind: 'server/group/join';
  readonly token: number;
  readonly groupName: string;
  readonly groupPassword: string;
  /** Used if the group gets created. */
  readonly groupMetadata: AooData | null;
  readonly userName: string;
  readonly userPassword: string;
  readonly userMetadata: AooData | null;
  /** The user's own relay; host "" means the user's own IP. */
  readonly relay: IpEndpoint | null;
}

export const serverGroupJoin: OscMessageCodec<ServerGroupJoin> = {
  kind: 'server/group/join',
  type: MsgType.Server,
  subAddress: '/group/join',
  decode(r) {
    const token = r.int();
    const groupName = r.string();
    const groupPassword = r.string();
    const groupMetadata = readOptionalData(r);
    const userName = r.string();
    const userPassword = r.string();
    const userMetadata = readOptionalData(r);
    const relay = readRelayHost(r);
    return { kind: 'server/group/join', token, groupName, groupPassword, groupMetadata, userName, userPassword, userMetadata, relay };
  },
  encode(w, buf, offset, m) {
    const tags = `iss${optionalDataTags(m.groupMetadata)}ss${optionalDataTags(m.userMetadata)}${optionalEndpointTags(m.relay)}`;
    w.begin(buf, offset, aooAddress(MsgType.Server, null, '/group/join'), tags).int(m.token).string(m.groupName).string(m.groupPassword);
    writeOptionalData(w, m.groupMetadata);
    w.string(m.userName).string(m.userPassword);
    writeOptionalData(w, m.userMetadata);
    writeOptionalEndpoint(w, m.relay);
    return w.end();
  },
};

/** `/aoo/server/group/leave` (spec §11.6). */
export interface ServerGroupLeave {
  readonly kind: 'server/group/leave';
  readonly token: number;
  readonly groupId: number;
}

export const serverGroupLeave: OscMessageCodec<ServerGroupLeave> = {
  kind: 'server/group/leave',
  type: MsgType.Server,
  subAddress: '/group/leave',
  decode(r) {
    return { kind: 'server/group/leave', token: r.int(), groupId: r.int() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Server, null, '/group/leave'), 'ii').int(m.token).int(m.groupId).end();
  },
};
