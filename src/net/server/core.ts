/**
 * ServerCore: the AOO server (spec §11) as a sans-I/O state machine. It never touches a
 * socket, a timer or the clock; `now` is any monotonic time in seconds.
 *
 * Inputs
 *   const id = core.accept(remote, now)   a TCP connection was accepted; `id` is the client ID
 *   core.receiveTcp(id, bytes, now)       bytes arrived on it (any split; 4-byte BE length framing)
 *   core.disconnected(id, now)            the other side closed it or it broke
 *   core.receiveUdp(bytes, from, now)     a datagram arrived on the server port
 *   core.tick(now)                        heartbeats and timeouts: call at core.nextWakeup()
 *                                         or often (every 100 ms is plenty)
 * Outputs: core.poll() returns what to do, in order (see ServerOutput): write framed bytes to
 * a connection, send a datagram, close a connection, report an event (spec §8), log a record.
 * Server-side actions: addGroup, addUser, ejectUser, updateGroup, updateUser, sendNotification.
 *
 * Bad input never throws: a broken or oversized frame, or any message but `/login` before
 * login, closes that one connection; bad datagrams are counted (stats.drops) and logged once.
 */
import { AooErrorCode } from '../../protocol/aoo/constants.ts';
import type { AooData } from '../../protocol/aoo/data.ts';
import { decodeAoo } from '../../protocol/aoo/messages.ts';
import type { ServerRequest } from '../../protocol/aoo/server/update.ts';
import { isTcpFrameError } from '../../protocol/aoo/tcp-framing.ts';
import { type UdpAddress, formatAddress } from '../address.ts';
import { AddressIndex } from './address-index.ts';
import { ClientConnection } from './client-connection.ts';
import { type ServerContext, type ServerOptions, resolveOptions } from './context.ts';
import { type DropReason, DropCounter } from './drops.ts';
import { joinGroup, leaveGroup, removeMember, requestError, setGroupMetadata, setUserMetadata, updateGroup, updateUser } from './groups.ts';
import { Outbox } from './outbox.ts';
import type { ServerOutput } from './output.ts';
import { hashPassword } from '../password.ts';
import { GroupFlag, GroupRegistry, UserFlag } from './registry.ts';
import { closeClient, login } from './session.ts';
import { UdpService } from './udp.ts';

export type { RequestHandler, ServerOptions } from './context.ts';
export type { ServerEvent, LogRecord } from './events.ts';
export type { ServerOutput } from './output.ts';

export interface ServerStats {
  /** Open connections, logged in or not. */
  readonly connections: number;
  /** Logged-in clients. */
  readonly clients: number;
  readonly groups: number;
  readonly relayedPackets: number;
  readonly relayedBytes: number;
  readonly drops: Readonly<Record<DropReason, number>>;
}

/** Password and metadata of a group or user created by the server (persistent). */
export interface EntryOptions {
  /** Plaintext; hashed as clients send it. */
  readonly password?: string;
  readonly metadata?: AooData | null;
}

export class ServerCore {
  private readonly ctx: ServerContext;
  private readonly udp: UdpService;
  private nextClientId = 0;

  constructor(options: ServerOptions) {
    const outbox = new Outbox();
    this.ctx = {
      settings: resolveOptions(options),
      clients: new Map(),
      groups: new GroupRegistry(),
      addresses: new AddressIndex(),
      outbox,
      drops: new DropCounter(outbox),
    };
    this.udp = new UdpService(this.ctx);
  }

  /**
   * Turns the relay on or off while running (spec §11.9). Relay packets are forwarded or
   * dropped from now on; group join replies name the server's relay from now on, so clients
   * that joined before learn of it only when they join again.
   */
  setRelay(on: boolean): void {
    this.ctx.settings = { ...this.ctx.settings, relay: on };
  }

  /** A new TCP connection from `remote` (unmapped). Over the per-IP rate, it is closed at once. */
  accept(remote: UdpAddress, now: number): number {
    const id = this.nextClientId++;
    if (!this.udp.unauthenticated.admit(remote.address, 0, now)) {
      this.ctx.drops.drop('rate-limited', { from: formatAddress(remote), transport: 'tcp' });
      this.ctx.outbox.close(id);
      return id;
    }
    const client = new ClientConnection(id, remote, now, this.ctx.settings.maxFrameLength);
    this.ctx.clients.set(id, client);
    this.heartbeat(client, now);
    return id;
  }

  receiveTcp(id: number, bytes: Uint8Array, now: number): void {
    const client = this.ctx.clients.get(id);
    if (client === undefined) return;
    client.frames.push(bytes);
    for (;;) {
      const frame = client.frames.next();
      if (frame === undefined) return;
      if (isTcpFrameError(frame)) return this.reject(client, AooErrorCode.BadFormat, `${frame.kind}: ${frame.detail}`);
      this.handleFrame(client, frame, now);
      if (!this.ctx.clients.has(id)) return;
    }
  }

  disconnected(id: number, _now: number): void {
    const client = this.ctx.clients.get(id);
    if (client !== undefined) closeClient(this.ctx, client, AooErrorCode.None, 'connection closed');
  }

  receiveUdp(bytes: Uint8Array, from: UdpAddress, now: number): void {
    this.udp.receive(bytes, from, now);
  }

  tick(now: number): void {
    for (const client of this.ctx.clients.values()) this.heartbeat(client, now);
  }

  nextWakeup(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const client of this.ctx.clients.values()) next = Math.min(next, client.ping.nextWakeup());
    return next;
  }

  poll(): ServerOutput[] {
    return this.ctx.outbox.drain();
  }

  get stats(): ServerStats {
    let clients = 0;
    for (const c of this.ctx.clients.values()) if (c.login !== null) clients++;
    return {
      connections: this.ctx.clients.size,
      clients,
      groups: this.ctx.groups.size,
      relayedPackets: this.udp.relayedPackets,
      relayedBytes: this.udp.relayedBytes,
      drops: { ...this.ctx.drops.counts },
    };
  }

  /** Creates a persistent group; null if the name is taken. */
  addGroup(name: string, options: EntryOptions = {}): number | null {
    if (name === '' || this.ctx.groups.named(name) !== undefined) return null;
    const group = this.ctx.groups.create(name, hashPassword(options.password ?? ''), options.metadata ?? null, GroupFlag.Persistent);
    this.ctx.outbox.event({ type: 'GroupAdd', groupId: group.id, flags: group.flags, name, metadata: group.metadata });
    return group.id;
  }

  /** Creates a persistent user in a group, for a client to join as; null if there is no such group or the name is taken. */
  addUser(groupId: number, name: string, options: EntryOptions = {}): number | null {
    const group = this.ctx.groups.get(groupId);
    if (name === '' || group === undefined || group.userNamed(name) !== undefined) return null;
    return group.addUser(name, hashPassword(options.password ?? ''), UserFlag.Persistent, options.metadata ?? null).id;
  }

  /** Forces an active user out of a group: its client gets `/group/eject`, the others `/peer/leave`. */
  ejectUser(groupId: number, userId: number): boolean {
    const group = this.ctx.groups.get(groupId);
    const user = group?.user(userId);
    const client = user?.client == null ? undefined : this.ctx.clients.get(user.client);
    if (group === undefined || user === undefined || client === undefined) return false;
    this.ctx.outbox.send(client.id, { kind: 'client/group/eject', groupId });
    removeMember(this.ctx, client, group, user);
    return true;
  }

  /** Sets a group's metadata and tells every member (`/group/changed`, user -1). */
  updateGroup(groupId: number, data: AooData): boolean {
    const group = this.ctx.groups.get(groupId);
    if (group === undefined) return false;
    setGroupMetadata(this.ctx, group, data);
    return true;
  }

  /** Sets a user's metadata and tells its client (`/user/changed`) and the others (`/peer/changed`). */
  updateUser(groupId: number, userId: number, data: AooData): boolean {
    const group = this.ctx.groups.get(groupId);
    const user = group?.user(userId);
    if (group === undefined || user === undefined) return false;
    setUserMetadata(this.ctx, group, user, data);
    return true;
  }

  /** Sends `/aoo/client/msg` in its documented form `,ib` (spec §13 #3) to a logged-in client. */
  sendNotification(clientId: number, data: AooData): boolean {
    const client = this.ctx.clients.get(clientId);
    if (client === undefined || client.login === null) return false;
    this.ctx.outbox.send(clientId, { kind: 'client/msg', dataType: data.type, bytes: data.bytes });
    return true;
  }

  private heartbeat(client: ClientConnection, now: number): void {
    const due = client.ping.poll(now);
    if (due === 'ping') this.ctx.outbox.send(client.id, { kind: 'client/ping' });
    else if (due === 'inactive') {
      this.ctx.outbox.log('warn', 'client-not-responding', { clientId: client.id, remote: formatAddress(client.remote) });
      closeClient(this.ctx, client, AooErrorCode.NotResponding, 'not responding');
    }
  }

  private handleFrame(client: ClientConnection, frame: Uint8Array, now: number): void {
    const r = decodeAoo(frame);
    if (!r.ok) return this.reject(client, AooErrorCode.BadFormat, `${r.error.kind}: ${r.error.detail}`);
    const m = r.value;
    if (client.login === null && m.kind !== 'server/login') return this.reject(client, AooErrorCode.NotPermitted, `${m.kind} before login`);
    client.ping.reply(now);
    switch (m.kind) {
      case 'server/login':
        return login(this.ctx, client, m);
      case 'server/ping':
        return this.ctx.outbox.send(client.id, { kind: 'client/pong' });
      case 'server/pong':
        return;
      case 'server/group/join':
        return joinGroup(this.ctx, client, m);
      case 'server/group/leave':
        return leaveGroup(this.ctx, client, m);
      case 'server/group/update':
        return updateGroup(this.ctx, client, m);
      case 'server/user/update':
        return updateUser(this.ctx, client, m);
      case 'server/request':
        return this.customRequest(client, m);
      default:
        return this.reject(client, AooErrorCode.BadFormat, `${m.kind} is not a TCP message to the server`);
    }
  }

  private customRequest(client: ClientConnection, m: ServerRequest): void {
    let result;
    try {
      result = this.ctx.settings.requestHandler?.(client.id, m.flags, m.data);
    } catch (e) {
      this.ctx.outbox.log('error', 'request-handler-failed', { clientId: client.id, detail: e instanceof Error ? e.message : String(e) });
    }
    this.ctx.outbox.send(client.id, { kind: 'client/request', token: m.token, result: result ?? requestError(AooErrorCode.UnhandledRequest) });
  }

  /** Closes a connection that broke the protocol. Before login that is hostile-looking traffic: counted, logged once. */
  private reject(client: ClientConnection, code: AooErrorCode, detail: string): void {
    const fields = { clientId: client.id, remote: formatAddress(client.remote), detail };
    if (client.login === null) this.ctx.drops.drop('tcp-before-login', fields);
    else this.ctx.outbox.log('warn', 'protocol-error', fields);
    closeClient(this.ctx, client, code, detail);
  }
}
