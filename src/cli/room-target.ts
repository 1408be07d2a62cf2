/** `send --to-peer USER[:ID]`: the sink of one user of the room, there while that user is (pure). */
import { type Endpoint, endpointKey } from '../stream/endpoint.ts';
import type { RoomEvent } from './room.ts';
import { isId } from './stream-clock.ts';

/** Sink `id` of user `user`. */
export interface PeerSink {
  readonly user: string;
  readonly id: number;
}

/** "bob" (sink 1) or "bob:2"; undefined when the user name is empty or the ID is not one. */
export function parsePeerSink(text: string): PeerSink | undefined {
  const m = /^(.*):(\d+)$/.exec(text);
  const user = m === null ? text : m[1]!;
  const id = m === null ? 1 : Number(m[2]);
  return user !== '' && isId(id) ? { user, id } : undefined;
}

/** What to do about the target: stream to this sink, or stop streaming to it. */
export interface TargetChange {
  readonly kind: 'add' | 'remove';
  readonly sink: Endpoint;
}

export class PeerTarget {
  private current: Endpoint | null = null;

  constructor(
    readonly group: string,
    readonly peer: PeerSink,
  ) {}

  /** The sink streamed to now; null while the user is not in the room. */
  get sink(): Endpoint | null {
    return this.current;
  }

  /**
   * The user's PeerJoin adds its sink at the address its sources and sinks use (what
   * NodeClient.peerAddress gives); its PeerLeave removes it. A join at another address
   * first removes the old sink.
   */
  handle(e: RoomEvent): TargetChange[] {
    if (e.type !== 'PeerJoin' && e.type !== 'PeerLeave') return [];
    if (e.peer.groupName !== this.group || e.peer.userName !== this.peer.user) return [];
    if (e.type === 'PeerLeave') return this.remove();
    const at = e.peer.address;
    if (at === null) return [];
    const sink: Endpoint = { address: at.address, port: at.port, id: this.peer.id };
    if (this.current !== null && endpointKey(this.current) === endpointKey(sink)) return [];
    const removed = this.remove();
    this.current = sink;
    return [...removed, { kind: 'add', sink }];
  }

  private remove(): TargetChange[] {
    const old = this.current;
    this.current = null;
    return old === null ? [] : [{ kind: 'remove', sink: old }];
  }
}
