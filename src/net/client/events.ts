/** What the client reports (spec §8, client events 1000–1012), plus the replies to its requests. */
import type { LoginSuccess } from '../../protocol/aoo/client/login.ts';
import type { RequestResult } from '../../protocol/aoo/client/reply.ts';
import type { CustomRequestSuccess } from '../../protocol/aoo/client/update.ts';
import type { AooData } from '../../protocol/aoo/data.ts';
import type { NtpTime } from '../../protocol/ntp.ts';
import type { UdpAddress } from '../address.ts';

/** Peer flags (spec §11.10): the server sends Persistent and GroupCreator; the client sets NeedRelay. */
export const PeerFlag = { NeedRelay: 0x01, Persistent: 0x02, GroupCreator: 0x04 } as const;

/** A snapshot of one peer (another user in one of our groups). */
export interface PeerInfo {
  readonly groupId: number;
  readonly groupName: string;
  readonly userId: number;
  readonly userName: string;
  /** The peer's AOO version. */
  readonly version: string;
  readonly flags: number;
  readonly metadata: AooData | null;
  /** Where its packets come from (a relayed peer's own public address); null until the handshake completed. */
  readonly address: UdpAddress | null;
  /** The relay our packets to it go through; null when direct. */
  readonly relay: UdpAddress | null;
}

/** A group we are a member of. */
export interface GroupInfo {
  readonly groupId: number;
  readonly groupName: string;
  /** Our user ID in the group. */
  readonly userId: number;
  readonly userName: string;
  /** 0x01 = persistent. */
  readonly groupFlags: number;
  readonly groupMetadata: AooData | null;
  readonly userMetadata: AooData | null;
  /** From the server's request handler. */
  readonly privateMetadata: AooData | null;
  /** The relay the server offers for this group (its empty host resolved to the server's). */
  readonly relay: UdpAddress | null;
}

/** The reply to a request, by request kind. A failure carries the server's (or our own) error code. */
export type ClientResponse =
  | { readonly request: 'connect'; readonly result: RequestResult<LoginSuccess> }
  | { readonly request: 'group-join'; readonly result: RequestResult<GroupInfo> }
  | { readonly request: 'group-leave'; readonly result: RequestResult<{ readonly groupName: string }> }
  | { readonly request: 'group-update'; readonly result: RequestResult<{ readonly data: AooData }> }
  | { readonly request: 'user-update'; readonly result: RequestResult<{ readonly data: AooData }> }
  | { readonly request: 'custom'; readonly result: RequestResult<CustomRequestSuccess> };

export type RequestKind = ClientResponse['request'];

/** Why a packet from the network was not used. Each is counted; the first of each kind is reported. */
export type ClientDropReason =
  /** Not a decodable AOO message, or a bad TCP frame (which also ends the connection). */
  | 'malformed'
  /** Valid AOO, but not from the server when it should be, or not expected now. */
  | 'unexpected'
  /** A peer message for a (group, user) we do not know. */
  | 'unknown-peer'
  /** A peer message frame that contradicts the others, or is too far ahead or too large to keep. */
  | 'bad-peer-message';

export type ClientEvent =
  | { readonly type: 'Response'; readonly token: number; readonly response: ClientResponse }
  /** The connection to the server was lost or stopped answering; groups and peers are gone. */
  | { readonly type: 'Disconnect'; readonly code: number; readonly message: string }
  /** `/aoo/client/msg` from the server; the reference server's blob-only form has type -1. */
  | { readonly type: 'Notification'; readonly data: AooData }
  | { readonly type: 'GroupEject'; readonly group: GroupInfo }
  /** `userId` is the updater, -1 = the server. */
  | { readonly type: 'GroupUpdate'; readonly group: GroupInfo; readonly userId: number; readonly metadata: AooData }
  /** The server changed our own user's metadata. */
  | { readonly type: 'UserUpdate'; readonly group: GroupInfo; readonly metadata: AooData }
  /** The server announced a peer; hole punching starts. */
  | { readonly type: 'PeerHandshake'; readonly peer: PeerInfo }
  /** No direct path and no relay path answered. */
  | { readonly type: 'PeerTimeout'; readonly peer: PeerInfo }
  /** The handshake completed; `peer.address` is the address in use. */
  | { readonly type: 'PeerJoin'; readonly peer: PeerInfo }
  /** A connected peer left its group. */
  | { readonly type: 'PeerLeave'; readonly peer: PeerInfo }
  /** Not inverted, unlike the reference's (spec §13 #10). */
  | { readonly type: 'PeerState'; readonly peer: PeerInfo; readonly active: boolean }
  | {
      readonly type: 'PeerPing';
      readonly peer: PeerInfo;
      /** Our ping's send time, the peer's receive and send times, our receive time. */
      readonly t1: NtpTime;
      readonly t2: NtpTime;
      readonly t3: NtpTime;
      readonly t4: NtpTime;
      /** Low-pass filtered network round trip in seconds. */
      readonly rtt: number;
    }
  | { readonly type: 'PeerMessage'; readonly peer: PeerInfo; readonly timestamp: NtpTime | null; readonly data: AooData }
  | { readonly type: 'PeerUpdate'; readonly peer: PeerInfo; readonly metadata: AooData }
  | { readonly type: 'InputDropped'; readonly reason: ClientDropReason; readonly detail: string };
