import type { ClientGroupJoin } from '../../protocol/aoo/client/group.ts';
import type { ClientMessage } from '../../protocol/aoo/client/index.ts';
import type { ClientPeerJoin } from '../../protocol/aoo/client/peer.ts';
import { AooErrorCode } from '../../protocol/aoo/constants.ts';
import type { AooData, IpEndpoint } from '../../protocol/aoo/data.ts';
import type { ServerMessage } from '../../protocol/aoo/server/index.ts';
import type { ClientResponse, GroupInfo, RequestKind } from './events.ts';
import type { Membership } from './membership.ts';
import type { Outbox } from './outbox.ts';
import { hashPassword } from '../password.ts';
import { candidateAddresses, relayList, resolveRelay } from './peer-addresses.ts';
import { Peer, type PeerContext } from './peer.ts';
import { ClientErrorCode, PendingRequests, type PendingRequest, requestError } from './requests.ts';
import type { Connection } from './server-session.ts';
import { REQUEST_TIMEOUT } from './timing.ts';

/** What `joinGroup` needs. Passwords are plain text ("" = none) and sent hashed. */
export interface JoinParams {
  readonly group: string;
  readonly groupPassword?: string;
  /** Used if the group gets created. */
  readonly groupMetadata?: AooData | null;
  readonly user: string;
  readonly userPassword?: string;
  readonly userMetadata?: AooData | null;
  /** Our own relay for this group; host "" = our public IP. */
  readonly relay?: IpEndpoint | null;
}

/** Messages of the logged-in conversation with the server; login and pings are the session's. */
export type GroupMessage = Exclude<ClientMessage, { kind: 'client/login' | 'client/ping' | 'client/pong' | 'client/query' }>;

/**
 * Our requests about groups (and custom requests) and the server's replies and notices
 * (spec §11.5, §11.6): joining, leaving, metadata, peers coming and going.
 */
export class GroupDirectory {
  private readonly requests = new PendingRequests();

  constructor(
    private readonly outbox: Outbox,
    private readonly membership: Membership,
    private readonly peerContext: PeerContext,
    /** False on an IPv4-only socket. */
    private readonly ipv6: boolean,
  ) {}

  join(token: number, p: JoinParams, c: Connection | null, now: number): void {
    if (this.membership.groupByName(p.group) !== undefined) {
      this.fail(token, 'group-join', AooErrorCode.AlreadyGroupMember, `already in group "${p.group}"`);
      return;
    }
    const relay = p.relay ?? null;
    this.send(token, c, now, { kind: 'group-join', groupName: p.group, userName: p.user, ownRelay: relay }, {
      kind: 'server/group/join',
      token,
      groupName: p.group,
      groupPassword: hashPassword(p.groupPassword ?? ''),
      groupMetadata: p.groupMetadata ?? null,
      userName: p.user,
      userPassword: hashPassword(p.userPassword ?? ''),
      userMetadata: p.userMetadata ?? null,
      relay,
    });
  }

  leave(token: number, group: string, c: Connection | null, now: number): void {
    const groupId = this.memberOf(token, 'group-leave', group);
    if (groupId !== null) this.send(token, c, now, { kind: 'group-leave', groupId, groupName: group }, { kind: 'server/group/leave', token, groupId });
  }

  /** New metadata for a group, or for our own user in it. */
  updateMetadata(token: number, kind: 'group-update' | 'user-update', group: string, data: AooData, c: Connection | null, now: number): void {
    const groupId = this.memberOf(token, kind, group);
    if (groupId === null) return;
    const message: ServerMessage = { kind: kind === 'group-update' ? 'server/group/update' : 'server/user/update', token, groupId, data };
    this.send(token, c, now, { kind, groupId }, message);
  }

  custom(token: number, data: AooData, flags: number, c: Connection | null, now: number): void {
    this.send(token, c, now, { kind: 'custom' }, { kind: 'server/request', token, flags, data });
  }

  /** Handles one message; returns why it was unexpected, or null. */
  handle(m: GroupMessage, c: Connection, now: number): string | null {
    switch (m.kind) {
      case 'client/group/join':
        return this.joined(m, c);
      case 'client/group/leave': {
        const p = this.requests.take(m.token, 'group-leave');
        if (p === undefined) return unknownToken(m);
        if (m.result.ok) this.membership.removeGroup(p.groupId);
        this.respond(m.token, { request: 'group-leave', result: m.result.ok ? { ok: true, groupName: p.groupName } : m.result });
        return null;
      }
      case 'client/group/update':
      case 'client/user/update': {
        const kind = m.kind === 'client/group/update' ? 'group-update' : 'user-update';
        const p = this.requests.take(m.token, kind);
        if (p === undefined) return unknownToken(m);
        if (m.result.ok) this.membership.updateGroup(p.groupId, kind === 'group-update' ? { groupMetadata: m.result.data } : { userMetadata: m.result.data });
        this.respond(m.token, { request: kind, result: m.result });
        return null;
      }
      case 'client/request':
        if (this.requests.take(m.token, 'custom') === undefined) return unknownToken(m);
        this.respond(m.token, { request: 'custom', result: m.result });
        return null;
      case 'client/group/eject': {
        const group = this.membership.removeGroup(m.groupId);
        if (group === undefined) return `eject from unknown group ${m.groupId}`;
        this.outbox.event({ type: 'GroupEject', group });
        return null;
      }
      case 'client/peer/join':
        return this.peerJoined(m, c, now);
      case 'client/peer/leave': {
        const peer = this.membership.removePeer(m.groupId, m.userId);
        if (peer === undefined) return `leave of unknown user ${m.userId} in group ${m.groupId}`;
        if (peer.link.connected) this.outbox.event({ type: 'PeerLeave', peer: peer.info() });
        return null;
      }
      case 'client/peer/changed': {
        const peer = this.membership.peer(m.groupId, m.userId);
        if (peer === undefined) return `change of unknown user ${m.userId} in group ${m.groupId}`;
        peer.setMetadata(m.data);
        this.outbox.event({ type: 'PeerUpdate', peer: peer.info(), metadata: m.data });
        return null;
      }
      case 'client/group/changed':
      case 'client/user/changed': {
        const user = m.kind === 'client/user/changed';
        const group = this.membership.updateGroup(m.groupId, user ? { userMetadata: m.data } : { groupMetadata: m.data });
        if (group === undefined) return `${m.kind} for unknown group ${m.groupId}`;
        this.outbox.event(user ? { type: 'UserUpdate', group, metadata: m.data } : { type: 'GroupUpdate', group, userId: m.userId, metadata: m.data });
        return null;
      }
      case 'client/msg':
        this.outbox.event({ type: 'Notification', data: { type: m.dataType ?? -1, bytes: m.bytes.slice() } });
        return null;
    }
  }

  /** Fails the requests that waited too long. */
  expire(now: number): void {
    this.requests.expire(now, (token, kind) => this.fail(token, kind, ClientErrorCode.Timeout, 'no reply from the server'));
  }

  nextWakeup(): number {
    return this.requests.nextWakeup();
  }

  /** The connection is gone: so are the groups, and pending requests fail. */
  connectionEnded(): void {
    this.membership.clear();
    this.requests.failAll((token, kind) => this.fail(token, kind, AooErrorCode.NotConnected, 'the connection ended'));
  }

  fail(token: number, kind: RequestKind, code: number, message: string): void {
    this.respond(token, { request: kind, result: requestError(code, message) } as ClientResponse);
  }

  private respond(token: number, response: ClientResponse): void {
    this.outbox.event({ type: 'Response', token, response });
  }

  /** The ID of the group we are in under `name`, else fails the request. */
  private memberOf(token: number, kind: RequestKind, name: string): number | null {
    const g = this.membership.groupByName(name);
    if (g === undefined) this.fail(token, kind, AooErrorCode.NotGroupMember, `not in group "${name}"`);
    return g?.info.groupId ?? null;
  }

  private send(token: number, c: Connection | null, now: number, pending: PendingRequest, message: ServerMessage): void {
    if (c === null) this.fail(token, pending.kind, AooErrorCode.NotConnected, 'not connected');
    else if (!this.outbox.tcp(message)) this.fail(token, pending.kind, ClientErrorCode.BadArgument, 'request too large');
    else this.requests.add(token, pending, now + REQUEST_TIMEOUT);
  }

  private joined(m: ClientGroupJoin, c: Connection): string | null {
    const p = this.requests.take(m.token, 'group-join');
    if (p === undefined) return unknownToken(m);
    const r = m.result;
    if (!r.ok) {
      this.respond(m.token, { request: 'group-join', result: r });
      return null;
    }
    const info: GroupInfo = {
      groupId: r.groupId,
      groupName: p.groupName,
      userId: r.userId,
      userName: p.userName,
      groupFlags: r.groupFlags,
      groupMetadata: r.groupMetadata,
      userMetadata: r.userMetadata,
      privateMetadata: r.privateMetadata,
      relay: resolveRelay(r.relay, c.server.address),
    };
    this.membership.addGroup({ info, ownRelay: resolveRelay(p.ownRelay, c.publicAddress.address) });
    this.respond(m.token, { request: 'group-join', result: { ok: true, ...info } });
    return null;
  }

  private peerJoined(m: ClientPeerJoin, c: Connection, now: number): string | null {
    const group = this.membership.group(m.groupId);
    if (group === undefined || m.groupName !== group.info.groupName || m.userId === group.info.userId) {
      return `peer ${m.userName} announced for group ${m.groupName} (${m.groupId})`;
    }
    const candidates = candidateAddresses(m.addresses, c.addresses, this.ipv6);
    const peer = new Peer(m, group.info.userId, candidates, relayList(group.ownRelay, group.info.relay, m.relay), now);
    this.membership.addPeer(peer);
    this.outbox.event({ type: 'PeerHandshake', peer: peer.info() });
    peer.update(now, this.peerContext);
    return null;
  }
}

function unknownToken(m: { readonly kind: string; readonly token: number }): string {
  return `${m.kind} with unknown token ${m.token}`;
}
