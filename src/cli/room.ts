/**
 * `send` and `receive` in a room (`--server`): a NodeClient on the command's own UDP endpoint
 * (the one its Source or Sink is on), logged in to a server and joined to one group.
 */
import { type UdpAddress, formatAddress } from '../net/address.ts';
import type { ClientEvent } from '../net/client/events.ts';
import { NodeClient } from '../net/client/node-client.ts';
import type { UdpEndpoint } from '../net/udp-endpoint.ts';
import type { RequestError } from '../protocol/aoo/client/reply.ts';
import { AooErrorCode } from '../protocol/aoo/constants.ts';
import type { PacketOut } from '../stream/endpoint.ts';
import type { RoomOptions } from './room-options.ts';

/** What a room reports: every client event but the replies to its own requests. */
export type RoomEvent = Exclude<ClientEvent, { readonly type: 'Response' }>;

/** A peer by name. */
export interface PeerName {
  readonly group: string;
  readonly user: string;
}

/** "error 1004 (WrongPassword): …". */
function failure(e: RequestError): string {
  const name = AooErrorCode[e.code];
  return `error ${e.code}${name === undefined ? '' : ` (${name})`}${e.message === '' ? '' : `: ${e.message}`}`;
}

export class Room {
  private readonly client: NodeClient;
  private onEvent: (e: RoomEvent) => void = () => {};

  /** `host`: the address `udp` is bound to (undefined = all, IPv4 and IPv6). */
  constructor(
    udp: UdpEndpoint,
    readonly options: RoomOptions,
    host: string | undefined,
  ) {
    this.client = new NodeClient(udp, {
      ipv6: host === undefined || host.includes(':'),
      onEvent: (e) => {
        if (e.type !== 'Response') this.onEvent(e);
      },
    });
  }

  get group(): string {
    return this.options.join.group;
  }

  get user(): string {
    return this.options.join.user;
  }

  /** "127.0.0.1:7078", "[::1]:7078", "example.org:7078". */
  get server(): string {
    const { host, port } = this.options.server;
    return formatAddress({ address: host, port });
  }

  /** For the Source or Sink on the same endpoint: packets to relayed peers go through their relay. */
  get streamOut(): PacketOut {
    return this.client.streamOut;
  }

  /** Logs in and joins the group, then reports every event to `onEvent`; throws (one line) if either fails. */
  async join(onEvent: (e: RoomEvent) => void): Promise<void> {
    this.onEvent = onEvent;
    const { host, port } = this.options.server;
    const login = await this.client.connect(host, port, { password: this.options.password });
    if (!login.ok) throw new Error(`cannot log in to ${this.server}: ${failure(login)}`);
    const joined = await this.client.joinGroup(this.options.join);
    if (!joined.ok) throw new Error(`cannot join group "${this.group}" as "${this.user}": ${failure(joined)}`);
  }

  /** The group and user of the connected peer at `address`; null if none is there. */
  peerAt(address: UdpAddress): PeerName | null {
    const p = this.client.core.peerAt(address);
    return p === null ? null : { group: p.groupName, user: p.userName };
  }

  /** Why the room is over if `e` ends it (the server connection is gone, or we were ejected); else null. */
  endedBy(e: RoomEvent): string | null {
    if (e.type === 'Disconnect') return `lost the connection to the server: ${e.message}`;
    if (e.type === 'GroupEject' && e.group.groupName === this.group) return `ejected from group "${this.group}"`;
    return null;
  }

  /** Logs out; the UDP endpoint stays open. */
  close(): void {
    this.client.close();
  }
}
