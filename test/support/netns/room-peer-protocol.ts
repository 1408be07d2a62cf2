/** What test/support/room-peer.ts reads on stdin and prints on stdout, one JSON object per line. */
import type { UdpAddress } from '../../../src/net/address.ts';
import type { Endpoint } from '../../../src/stream/endpoint.ts';

/** The ID of the source a room peer streams from. */
export const ROOM_PEER_SOURCE_ID = 1;

export type RoomPeerCommand =
  /** New metadata (JSON text) for our user, or for the group. */
  | { readonly cmd: 'update-user' | 'update-group'; readonly metadata: string }
  | { readonly cmd: 'leave' }
  /** Streams a sine tone of `hz` Hz for `seconds` s to sink `sinkId` of the peer called `to`. */
  | { readonly cmd: 'stream'; readonly to: string; readonly sinkId: number; readonly hz: number; readonly seconds: number };

/** Another member as this one sees it. */
export interface PeerView {
  readonly user: string;
  /** Where its packets come from; null until the handshake completed. */
  readonly address: UdpAddress | null;
  /** The relay our packets to it go through; null when direct. */
  readonly relay: UdpAddress | null;
  /** Its user metadata as text. */
  readonly metadata: string | null;
}

/** What the sink made of one stream, from its start to its stop. */
export interface ReceivedStream {
  /** Seconds from the first to the last sample louder than the threshold. */
  readonly seconds: number;
  /** Of a sine fitted to the sounding part (without 5 ms at either end). */
  readonly frequency: number;
  /** Of the worst 0.1 s window of that part against a sine fitted to it. */
  readonly snrDb: number;
  /** Longest run of exact zeros inside the sounding part, in samples: a dropout shows here. */
  readonly longestSilence: number;
  /** Blocks the sink gave up on (BlockDrop), and times its buffer ran dry or overflowed. */
  readonly blocksDropped: number;
  readonly underruns: number;
  readonly overruns: number;
}

export type RoomPeerReport =
  | { readonly event: 'connected'; readonly localPort: number; readonly publicAddress: UdpAddress }
  | { readonly event: 'joined'; readonly userId: number; readonly relay: UdpAddress | null }
  | { readonly event: 'response'; readonly request: string; readonly ok: boolean; readonly code: number }
  | { readonly event: 'peer-handshake' | 'peer-join' | 'peer-leave' | 'peer-timeout' | 'peer-update'; readonly peer: PeerView }
  /** `by` is the user ID of the member who changed it. */
  | { readonly event: 'group-update'; readonly by: number; readonly metadata: string }
  | { readonly event: 'disconnected'; readonly code: number; readonly message: string }
  | { readonly event: 'dropped'; readonly reason: string; readonly detail: string }
  /** The tone of a `stream` command has been sent (and `/stop`); `relay` is non-null if the packets went through one. */
  | { readonly event: 'stream-sent'; readonly to: Endpoint; readonly relay: UdpAddress | null; readonly seconds: number }
  | { readonly event: 'stream-start'; readonly from: Endpoint }
  | ({ readonly event: 'stream-received'; readonly from: Endpoint } & ReceivedStream)
  /** A command or start-up step failed; the process goes on (or exits with code 1 if it cannot). */
  | { readonly event: 'failed'; readonly message: string };

/** The report lines of one kind, e.g. ReportOf<'peer-join'>. */
export type ReportOf<E extends RoomPeerReport['event']> = RoomPeerReport extends infer R ? (R extends { readonly event: infer K } ? (E extends K ? R : never) : never) : never;
