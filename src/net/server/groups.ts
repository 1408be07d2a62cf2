/** Group membership and metadata (spec §11.5–11.6): joins, leaves, ejects, updates. */
import type { ClientPeerJoin } from '../../protocol/aoo/client/peer.ts';
import type { RequestError } from '../../protocol/aoo/client/reply.ts';
import { AooErrorCode } from '../../protocol/aoo/constants.ts';
import type { AooData } from '../../protocol/aoo/data.ts';
import type { ServerGroupJoin, ServerGroupLeave } from '../../protocol/aoo/server/group.ts';
import type { ServerGroupUpdate, ServerUserUpdate } from '../../protocol/aoo/server/update.ts';
import type { ClientConnection, LoginInfo } from './client-connection.ts';
import type { ServerContext } from './context.ts';
import { passwordMatches } from '../password.ts';
import { type Group, GroupFlag, type User, UserFlag, peerFlags } from './registry.ts';

export function requestError(code: AooErrorCode): RequestError {
  return { ok: false, code, systemCode: 0, message: '' };
}

/** Why `m` cannot be granted (spec §11.5 order of checks), or null. */
function joinRefusal(ctx: ServerContext, client: ClientConnection, m: ServerGroupJoin): AooErrorCode | null {
  if (m.groupName === '' || m.userName === '') return AooErrorCode.BadArgument;
  const group = ctx.groups.named(m.groupName);
  if (group === undefined) return ctx.settings.allowGroupCreation ? null : AooErrorCode.CannotCreateGroup;
  if (client.memberships.has(group.id)) return AooErrorCode.AlreadyGroupMember;
  if (!passwordMatches(group.password, m.groupPassword)) return AooErrorCode.WrongPassword;
  const user = group.userNamed(m.userName);
  if (user === undefined) return ctx.settings.allowUserCreation ? null : AooErrorCode.CannotCreateUser;
  if (user.client !== null) return AooErrorCode.UserAlreadyExists;
  return passwordMatches(user.password, m.userPassword) ? null : AooErrorCode.WrongPassword;
}

/** `/aoo/server/group/join`: reply, then introduce the new member and every other active member to each other. */
export function joinGroup(ctx: ServerContext, client: ClientConnection, m: ServerGroupJoin): void {
  const refusal = joinRefusal(ctx, client, m);
  if (refusal !== null) {
    ctx.outbox.send(client.id, { kind: 'client/group/join', token: m.token, result: requestError(refusal) });
    ctx.outbox.log('info', 'group-join-refused', { clientId: client.id, groupName: m.groupName, userName: m.userName, error: refusal });
    return;
  }
  let group = ctx.groups.named(m.groupName);
  const creating = group === undefined;
  if (group === undefined) {
    group = ctx.groups.create(m.groupName, m.groupPassword, m.groupMetadata, 0);
    ctx.outbox.event({ type: 'GroupAdd', groupId: group.id, flags: group.flags, name: group.name, metadata: group.metadata });
  }
  let user = group.userNamed(m.userName);
  if (user === undefined) user = group.addUser(m.userName, m.userPassword, creating ? UserFlag.GroupCreator : 0, m.userMetadata);
  else if (m.userMetadata !== null) user.metadata = m.userMetadata;
  user.client = client.id;
  user.relay = m.relay;
  client.memberships.set(group.id, user);

  // The reference sends the creator flag as a boolean here (spec §13 #4); we send the real flags.
  ctx.outbox.send(client.id, {
    kind: 'client/group/join',
    token: m.token,
    result: {
      ok: true,
      groupId: group.id,
      groupFlags: group.flags,
      groupMetadata: group.metadata,
      userId: user.id,
      userFlags: user.flags,
      userMetadata: user.metadata,
      privateMetadata: null,
      relay: ctx.settings.relay ? { host: '', port: ctx.settings.port } : null,
    },
  });
  for (const other of group.activeUsers()) {
    if (other === user) continue;
    ctx.outbox.send(client.id, peerJoin(group, other, ctx.clients.get(other.client)!.login!));
    ctx.outbox.send(other.client, peerJoin(group, user, client.login!));
  }
  ctx.outbox.event({
    type: 'GroupJoin',
    groupId: group.id,
    userId: user.id,
    groupName: group.name,
    userName: user.name,
    clientId: client.id,
    userFlags: user.flags,
    userMetadata: user.metadata,
  });
}

/** `/aoo/client/peer/join` announcing `user` of `group`, held by the client that logged in with `login`. */
function peerJoin(group: Group, user: User, login: LoginInfo): ClientPeerJoin {
  return {
    kind: 'client/peer/join',
    groupName: group.name,
    groupId: group.id,
    userName: user.name,
    userId: user.id,
    version: login.version,
    flags: peerFlags(user),
    metadata: user.metadata,
    relay: user.relay,
    addresses: login.addresses,
  };
}

/** `/aoo/server/group/leave`. */
export function leaveGroup(ctx: ServerContext, client: ClientConnection, m: ServerGroupLeave): void {
  const group = ctx.groups.get(m.groupId);
  const user = client.memberships.get(m.groupId);
  const refusal = group === undefined ? AooErrorCode.GroupDoesNotExist : user === undefined ? AooErrorCode.NotGroupMember : null;
  if (refusal === null) removeMember(ctx, client, group!, user!);
  ctx.outbox.send(client.id, { kind: 'client/group/leave', token: m.token, result: refusal === null ? { ok: true } : requestError(refusal) });
}

/**
 * Takes `user` away from `client` (leave, eject or disconnect): the other members get
 * `/peer/leave`; a non-persistent user is deleted, then an empty non-persistent group.
 */
export function removeMember(ctx: ServerContext, client: ClientConnection, group: Group, user: User): void {
  user.client = null;
  user.relay = null;
  client.memberships.delete(group.id);
  for (const other of group.activeUsers()) ctx.outbox.send(other.client, { kind: 'client/peer/leave', groupId: group.id, userId: user.id });
  ctx.outbox.event({ type: 'GroupLeave', groupId: group.id, userId: user.id, groupName: group.name, userName: user.name });
  if ((user.flags & UserFlag.Persistent) === 0) group.removeUser(user);
  if (group.userCount === 0 && (group.flags & GroupFlag.Persistent) === 0) {
    ctx.groups.remove(group);
    ctx.outbox.event({ type: 'GroupRemove', groupId: group.id, name: group.name });
  }
}

/** The group and the client's user in it, or why an update of it is refused. */
function memberOf(ctx: ServerContext, client: ClientConnection, groupId: number): { group: Group; user: User } | AooErrorCode {
  const group = ctx.groups.get(groupId);
  if (group === undefined) return AooErrorCode.GroupDoesNotExist;
  const user = client.memberships.get(groupId);
  return user === undefined ? AooErrorCode.NotGroupMember : { group, user };
}

/**
 * `/aoo/server/group/update`: echo to the sender, `/group/changed` to the other members.
 * Unlike the reference (spec §13 #5) a refused update gets the error reply.
 */
export function updateGroup(ctx: ServerContext, client: ClientConnection, m: ServerGroupUpdate): void {
  const member = memberOf(ctx, client, m.groupId);
  if (typeof member === 'number') {
    ctx.outbox.send(client.id, { kind: 'client/group/update', token: m.token, result: requestError(member) });
    return;
  }
  const { group, user } = member;
  group.metadata = m.data;
  ctx.outbox.send(client.id, { kind: 'client/group/update', token: m.token, result: { ok: true, data: m.data } });
  for (const other of group.activeUsers()) {
    if (other !== user) ctx.outbox.send(other.client, { kind: 'client/group/changed', groupId: group.id, userId: user.id, data: m.data });
  }
  ctx.outbox.event({ type: 'GroupUpdate', groupId: group.id, userId: user.id, metadata: m.data });
}

/** `/aoo/server/user/update`: `/peer/changed` to the other members, echo to the sender. */
export function updateUser(ctx: ServerContext, client: ClientConnection, m: ServerUserUpdate): void {
  const member = memberOf(ctx, client, m.groupId);
  if (typeof member === 'number') {
    ctx.outbox.send(client.id, { kind: 'client/user/update', token: m.token, result: requestError(member) });
    return;
  }
  const { group, user } = member;
  user.metadata = m.data;
  for (const other of group.activeUsers()) {
    if (other !== user) ctx.outbox.send(other.client, { kind: 'client/peer/changed', groupId: group.id, userId: user.id, data: m.data });
  }
  ctx.outbox.send(client.id, { kind: 'client/user/update', token: m.token, result: { ok: true, data: m.data } });
  ctx.outbox.event({ type: 'UserUpdate', groupId: group.id, userId: user.id, metadata: m.data });
}

/** Server-side group metadata change: `/group/changed` with user -1 to every member. */
export function setGroupMetadata(ctx: ServerContext, group: Group, data: AooData): void {
  group.metadata = data;
  for (const u of group.activeUsers()) ctx.outbox.send(u.client, { kind: 'client/group/changed', groupId: group.id, userId: -1, data });
}

/** Server-side user metadata change: `/user/changed` to the user's client, `/peer/changed` to the others. */
export function setUserMetadata(ctx: ServerContext, group: Group, user: User, data: AooData): void {
  user.metadata = data;
  for (const u of group.activeUsers()) {
    const kind = u === user ? 'client/user/changed' : 'client/peer/changed';
    ctx.outbox.send(u.client, { kind, groupId: group.id, userId: user.id, data });
  }
}
