import type { AooData, IpEndpoint } from '../../protocol/aoo/data.ts';

/** User flags (spec §11.10). */
export const UserFlag = { Persistent: 0x01, GroupCreator: 0x02 } as const;
/** Group flags (spec §11.10). */
export const GroupFlag = { Persistent: 0x01 } as const;
/** Peer flags in `/aoo/client/peer/join` (NeedRelay, 0x01, is only set by clients). */
export const PeerFlag = { Persistent: 0x02, GroupCreator: 0x04 } as const;

/** A user of a group. Active while a client holds it; non-persistent users exist only while active. */
export interface User {
  readonly id: number;
  readonly name: string;
  /** As clients send it: MD5 hex, or "" for none. */
  readonly password: string;
  readonly flags: number;
  metadata: AooData | null;
  /** The client acting as this user, or null. */
  client: number | null;
  /** The user's own relay from its join request; host "" = the user's IP. */
  relay: IpEndpoint | null;
}

/** The peer flags announcing `user` to the other members. */
export function peerFlags(user: User): number {
  return (user.flags & UserFlag.Persistent ? PeerFlag.Persistent : 0) | (user.flags & UserFlag.GroupCreator ? PeerFlag.GroupCreator : 0);
}

export class Group {
  private readonly byId = new Map<number, User>();
  private readonly byName = new Map<string, User>();
  /** Freed user IDs, ascending: the smallest is reused first (spec §11.4). */
  private readonly freeIds: number[] = [];
  private nextId = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    /** MD5 hex or "". */
    readonly password: string,
    public metadata: AooData | null,
    readonly flags: number,
  ) {}

  get isPersistent(): boolean {
    return (this.flags & GroupFlag.Persistent) !== 0;
  }

  get userCount(): number {
    return this.byId.size;
  }

  user(id: number): User | undefined {
    return this.byId.get(id);
  }

  userNamed(name: string): User | undefined {
    return this.byName.get(name);
  }

  /** Users held by a client, in ID order of creation. */
  *activeUsers(): Generator<User & { client: number }> {
    for (const u of this.byId.values()) if (u.client !== null) yield u as User & { client: number };
  }

  addUser(name: string, password: string, flags: number, metadata: AooData | null): User {
    const id = this.freeIds.length > 0 ? this.freeIds.shift()! : this.nextId++;
    const user: User = { id, name, password, flags, metadata, client: null, relay: null };
    this.byId.set(id, user);
    this.byName.set(name, user);
    return user;
  }

  removeUser(user: User): void {
    if (this.byId.get(user.id) !== user) return;
    this.byId.delete(user.id);
    this.byName.delete(user.name);
    const at = this.freeIds.findIndex((id) => id > user.id);
    this.freeIds.splice(at < 0 ? this.freeIds.length : at, 0, user.id);
  }
}

/** All groups, by ID and by name. Group IDs are sequential from 0 and never reused. */
export class GroupRegistry {
  private readonly byId = new Map<number, Group>();
  private readonly byName = new Map<string, Group>();
  private nextId = 0;

  get size(): number {
    return this.byId.size;
  }

  get(id: number): Group | undefined {
    return this.byId.get(id);
  }

  named(name: string): Group | undefined {
    return this.byName.get(name);
  }

  create(name: string, password: string, metadata: AooData | null, flags: number): Group {
    const group = new Group(this.nextId++, name, password, metadata, flags);
    this.byId.set(group.id, group);
    this.byName.set(name, group);
    return group;
  }

  remove(group: Group): void {
    this.byId.delete(group.id);
    this.byName.delete(group.name);
  }
}
