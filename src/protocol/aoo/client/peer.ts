import { MsgType } from '../constants.ts';
import {
  type AooData,
  type IpEndpoint,
  endpointListTags,
  optionalDataTags,
  optionalEndpointTags,
  readEndpointList,
  readOptionalData,
  writeEndpointList,
  writeOptionalData,
  writeOptionalEndpoint,
} from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';
import { readRelayHost } from '../server/fields.ts';

/** `/aoo/client/peer/join` (spec §11.5): another user of a group, sent to both parties. */
export interface ClientPeerJoin {
  readonly kind: 'client/peer/join';
  readonly groupName: string;
  readonly groupId: number;
  readonly userName: string;
  readonly userId: number;
  /** The peer's AOO version. */
  readonly version: string;
  /** 0x04 GroupCreator, 0x02 Persistent. */
  readonly flags: number;
  readonly metadata: AooData | null;
  /** The peer's own relay; host "" = the peer's IP. */
  readonly relay: IpEndpoint | null;
  /** The peer's login address list. */
  readonly addresses: readonly IpEndpoint[];
}

export const clientPeerJoin: OscMessageCodec<ClientPeerJoin> = {
  kind: 'client/peer/join',
  type: MsgType.Client,
  subAddress: '/peer/join',
  decode(r) {
    const groupName = r.string();
    const groupId = r.int();
    const userName = r.string();
    const userId = r.int();
    const version = r.string();
    const flags = r.int();
    const metadata = readOptionalData(r);
    const relay = readRelayHost(r);
    const addresses = readEndpointList(r);
    return { kind: 'client/peer/join', groupName, groupId, userName, userId, version, flags, metadata, relay, addresses };
  },
  encode(w, buf, offset, m) {
    const tags = `sisisi${optionalDataTags(m.metadata)}${optionalEndpointTags(m.relay)}${endpointListTags(m.addresses)}`;
    w.begin(buf, offset, aooAddress(MsgType.Client, null, '/peer/join'), tags)
      .string(m.groupName)
      .int(m.groupId)
      .string(m.userName)
      .int(m.userId)
      .string(m.version)
      .int(m.flags);
    writeOptionalData(w, m.metadata);
    writeOptionalEndpoint(w, m.relay);
    writeEndpointList(w, m.addresses);
    return w.end();
  },
};

/** `/aoo/client/peer/leave ,ii` (spec §11.6): a user left a group. */
export interface ClientPeerLeave {
  readonly kind: 'client/peer/leave';
  readonly groupId: number;
  readonly userId: number;
}

export const clientPeerLeave: OscMessageCodec<ClientPeerLeave> = {
  kind: 'client/peer/leave',
  type: MsgType.Client,
  subAddress: '/peer/leave',
  decode(r) {
    return { kind: 'client/peer/leave', groupId: r.int(), userId: r.int() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Client, null, '/peer/leave'), 'ii').int(m.groupId).int(m.userId).end();
  },
};
