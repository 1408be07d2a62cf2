import { type UdpAddress, addressKey } from '../address.ts';
import type { GroupInfo } from './events.ts';
import { type Peer, peerKey } from './peer.ts';

/** A group we joined: what the server told us, and the relay we asked to use in it. */
export interface JoinedGroup {
  readonly info: GroupInfo;
  /** Our own relay for this group, resolved. */
  readonly ownRelay: UdpAddress | null;
}

/** Who receives a message: every peer ({}), every peer in a group ({ group }), or one peer ({ group, user }). */
export interface MessageTarget {
  readonly group?: string;
  readonly user?: string;
}

/** The groups we are in and the peers in them. */
export class Membership {
  private readonly groups = new Map<number, JoinedGroup>();
  private readonly peersByKey = new Map<string, Peer>();
  /** Connected peers by address: stream packets are addressed by socket address (spec §11.9). */
  private readonly peersByAddress = new Map<string, Peer>();

  addGroup(group: JoinedGroup): void {
    this.groups.set(group.info.groupId, group);
  }

  group(groupId: number): JoinedGroup | undefined {
    return this.groups.get(groupId);
  }

  groupByName(name: string): JoinedGroup | undefined {
    for (const g of this.groups.values()) if (g.info.groupName === name) return g;
    return undefined;
  }

  allGroups(): GroupInfo[] {
    return [...this.groups.values()].map((g) => g.info);
  }

  /** Replaces some of a group's fields; returns the new info. */
  updateGroup(groupId: number, change: Partial<GroupInfo>): GroupInfo | undefined {
    const g = this.groups.get(groupId);
    if (g === undefined) return undefined;
    const info = { ...g.info, ...change };
    this.groups.set(groupId, { ...g, info });
    return info;
  }

  /** Removes a group and its peers. */
  removeGroup(groupId: number): GroupInfo | undefined {
    const g = this.groups.get(groupId);
    if (g === undefined) return undefined;
    this.groups.delete(groupId);
    for (const [key, p] of this.peersByKey) if (p.groupId === groupId) this.peersByKey.delete(key);
    this.reindex();
    return g.info;
  }

  clear(): void {
    this.groups.clear();
    this.peersByKey.clear();
    this.peersByAddress.clear();
  }

  /** Adds a peer; a peer already known under the same IDs is replaced (and returned). */
  addPeer(peer: Peer): Peer | undefined {
    const key = peerKey(peer.groupId, peer.userId);
    const old = this.peersByKey.get(key);
    this.peersByKey.set(key, peer);
    if (old !== undefined) this.reindex();
    return old;
  }

  peer(groupId: number, userId: number): Peer | undefined {
    return this.peersByKey.get(peerKey(groupId, userId));
  }

  removePeer(groupId: number, userId: number): Peer | undefined {
    const key = peerKey(groupId, userId);
    const p = this.peersByKey.get(key);
    if (p === undefined) return undefined;
    this.peersByKey.delete(key);
    this.reindex();
    return p;
  }

  peers(): IterableIterator<Peer> {
    return this.peersByKey.values();
  }

  findPeer(groupName: string, userName: string): Peer | undefined {
    for (const p of this.peersByKey.values()) if (p.groupName === groupName && p.userName === userName) return p;
    return undefined;
  }

  peersFor(target: MessageTarget): Peer[] {
    return [...this.peersByKey.values()].filter(
      (p) => (target.group === undefined || p.groupName === target.group) && (target.user === undefined || p.userName === target.user),
    );
  }

  /** The connected peer talking from `address`. */
  peerAt(address: UdpAddress): Peer | undefined {
    return this.peersByAddress.get(addressKey(address));
  }

  /** Call when a peer's handshake completed. */
  connected(peer: Peer): void {
    const a = peer.link.address;
    if (a !== null) this.peersByAddress.set(addressKey(a), peer);
  }

  private reindex(): void {
    this.peersByAddress.clear();
    for (const p of this.peersByKey.values()) this.connected(p);
  }
}
