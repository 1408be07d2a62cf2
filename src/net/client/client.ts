/**
 * The AOO client (spec §11), sans I/O. It logs in to a server, joins groups, punches holes to
 * the peers the server announces (falling back to a relay), and carries peer messages.
 *
 * Drive it like this: call the request methods and the `handle…` methods with the current
 * time; then take `pollActions()` (UDP datagrams, TCP open/send/close, relayed source/sink
 * packets to route locally) and `pollEvents()` (spec §8 events, request replies); call
 * `update(now)` at `nextWakeup()`. Times are seconds on the NTP timescale, as for Source and
 * Sink. Nothing from the network ever throws: bad input is counted in `drops` and the first
 * of each kind is reported as an `InputDropped` event.
 */
import type { ClientMessage } from '../../protocol/aoo/client/index.ts';
import { AooErrorCode, MsgType, PACKET_SIZE_DEFAULT, PACKET_SIZE_MAX } from '../../protocol/aoo/constants.ts';
import type { AooData } from '../../protocol/aoo/data.ts';
import { type AooMessage, decodeAoo } from '../../protocol/aoo/messages.ts';
import type { PeerMessage } from '../../protocol/aoo/peer/index.ts';
import { unwrapRelay } from '../../protocol/aoo/relay.ts';
import { routePacket } from '../../protocol/aoo/route.ts';
import { TcpReassembler, isTcpFrameError } from '../../protocol/aoo/tcp-framing.ts';
import type { NtpTime } from '../../protocol/ntp.ts';
import { type Result, err, ok } from '../../protocol/result.ts';
import type { PacketOut } from '../../stream/endpoint.ts';
import type { UdpAddress } from '../address.ts';
import { sameAddress, udpAddressOf } from './addresses.ts';
import { DropCounter } from './drop-counter.ts';
import type { ClientDropReason, ClientEvent, GroupInfo, PeerInfo } from './events.ts';
import { GroupDirectory, type JoinParams } from './group-directory.ts';
import { Membership, type MessageTarget } from './membership.ts';
import { CLIENT_PACKET_SIZE_MIN, MESSAGE_FRAMES_MAX, frameCount, maxFramePayload } from './message-frames.ts';
import { type ClientAction, Outbox } from './outbox.ts';
import type { PeerContext } from './peer.ts';
import { RelayWrapper } from './relay-wrapper.ts';
import { ClientErrorCode } from './requests.ts';
import { type ConnectParams, type Connection, ServerSession } from './server-session.ts';

export interface ClientOptions {
  /** Target UDP packet size of peer messages, 150…4096; default 512. */
  readonly packetSize?: number;
  /** Peer messages and relay wrappers in the binary form (default) or as OSC. */
  readonly binary?: boolean;
  /** False if the UDP socket is IPv4-only: peers' IPv6 addresses are then not tried. */
  readonly ipv6?: boolean;
}

export interface SendOptions {
  /** Acknowledged and resent until received; delivered once and in order. Default false. */
  readonly reliable?: boolean;
  /** When the receiver should act on it; null (default) = none. */
  readonly timestamp?: NtpTime | null;
}

export class Client {
  readonly packetSize: number;
  readonly form: 'binary' | 'osc';
  readonly drops = new DropCounter<ClientDropReason>();
  private readonly relayWrapper: RelayWrapper;
  private readonly outbox: Outbox;
  private readonly session: ServerSession;
  private readonly directory: GroupDirectory;
  private readonly membership = new Membership();
  private readonly ctx: PeerContext;
  private tcpIn = new TcpReassembler();
  private nextToken = 0;

  constructor(options: ClientOptions = {}) {
    this.packetSize = Math.min(PACKET_SIZE_MAX, Math.max(CLIENT_PACKET_SIZE_MIN, Math.floor(options.packetSize ?? PACKET_SIZE_DEFAULT)));
    this.form = options.binary === false ? 'osc' : 'binary';
    this.relayWrapper = new RelayWrapper(this.form);
    this.outbox = new Outbox(this.relayWrapper);
    this.ctx = {
      send: (m, to, relay) => this.outbox.udp(m, to, relay),
      event: (e) => this.outbox.event(e),
      drop: (reason, detail) => this.drop(reason, detail),
    };
    this.directory = new GroupDirectory(this.outbox, this.membership, this.ctx, options.ipv6 ?? true);
    this.session = new ServerSession(
      this.outbox,
      (token, response) => this.outbox.event({ type: 'Response', token, response }),
      () => this.directory.connectionEnded(),
    );
  }

  // ---- requests to the server; each returns the token of its `Response` event

  connect(params: ConnectParams, now: number): number {
    return this.withToken((token) => this.session.connect(token, params, now));
  }

  /** Closes the connection; groups and peers are dropped, pending requests fail. No `Disconnect` event. */
  disconnect(): void {
    this.session.disconnect();
  }

  get connection(): Connection | null {
    return this.session.connection;
  }

  joinGroup(p: JoinParams, now: number): number {
    return this.withToken((token) => this.directory.join(token, p, this.session.connection, now));
  }

  leaveGroup(group: string, now: number): number {
    return this.withToken((token) => this.directory.leave(token, group, this.session.connection, now));
  }

  /** New metadata for a group. */
  updateGroup(group: string, data: AooData, now: number): number {
    return this.withToken((token) => this.directory.updateMetadata(token, 'group-update', group, data, this.session.connection, now));
  }

  /** New metadata for our own user in a group. */
  updateUser(group: string, data: AooData, now: number): number {
    return this.withToken((token) => this.directory.updateMetadata(token, 'user-update', group, data, this.session.connection, now));
  }

  /** A request for the server's request handler (without one, the reply is error 1001). */
  customRequest(data: AooData, flags: number, now: number): number {
    return this.withToken((token) => this.directory.custom(token, data, flags, this.session.connection, now));
  }

  // ---- peers and messages

  groups(): GroupInfo[] {
    return this.membership.allGroups();
  }

  peers(): PeerInfo[] {
    return [...this.membership.peers()].map((p) => p.info());
  }

  /**
   * Sends a message to every connected peer the target names (spec §11.8). Returns the number
   * of peers it went to, or why it cannot be sent (empty, or more than 256 frames).
   */
  sendMessage(target: MessageTarget, data: AooData, options: SendOptions, now: number): Result<number, string> {
    const maxFrame = maxFramePayload(this.packetSize, this.form);
    const size = data.bytes.length;
    if (size === 0) return err('empty message');
    if (frameCount(size, maxFrame) > MESSAGE_FRAMES_MAX) return err(`${size} bytes do not fit in ${MESSAGE_FRAMES_MAX} frames of ${maxFrame}`);
    const own = { type: data.type, bytes: data.bytes.slice() };
    const o = { reliable: options.reliable ?? false, timestamp: options.timestamp ?? null, form: this.form, maxFrame };
    let sent = 0;
    for (const p of this.membership.peersFor(target)) if (p.send(own, o, now, this.ctx)) sent++;
    return ok(sent);
  }

  /** Reliable messages to this peer not acknowledged yet. */
  unacknowledged(group: string, user: string): number {
    return this.membership.findPeer(group, user)?.unacknowledged ?? 0;
  }

  // ---- addressing sources and sinks by group and user name (spec §11.9, §12)

  /** The socket address a peer's sources and sinks talk from; null if unknown or not connected. */
  peerAddress(group: string, user: string): UdpAddress | null {
    return this.membership.findPeer(group, user)?.link.address ?? null;
  }

  /** The connected peer at a socket address (to show endpoints as group and user). */
  peerAt(address: UdpAddress): PeerInfo | null {
    return this.membership.peerAt(address)?.info() ?? null;
  }

  /** The relay packets to `address` must go through; null if direct. */
  relayFor(address: UdpAddress): UdpAddress | null {
    return this.membership.peerAt(address)?.link.relay ?? null;
  }

  /**
   * A PacketOut for Source.send / Sink.send that wraps packets to relayed peers for their
   * relay and passes everything else through to `out` unchanged.
   */
  streamOut(out: PacketOut): PacketOut {
    return (bytes, to) => {
      const relay = this.relayFor(to);
      if (relay === null) {
        out(bytes, to);
        return;
      }
      const wrapped = this.relayWrapper.wrap(bytes, to);
      if (wrapped !== null) out(wrapped, relay);
    };
  }

  // ---- input from the I/O layer

  /** A datagram for the client from the shared UDP socket (anything not for a source or sink). */
  handleUdp(bytes: Uint8Array, from: UdpAddress, now: number): void {
    const route = routePacket(bytes);
    if (route.form === 'foreign' || route.form === 'malformed') {
      this.drop('malformed', route.form === 'malformed' ? route.detail : 'not an AOO message');
      return;
    }
    if (route.type === MsgType.Relay) this.handleRelayed(bytes, from, now);
    else this.handleMessage(bytes, from, null, now);
  }

  handleTcpOpen(now: number): void {
    this.tcpIn = new TcpReassembler();
    this.session.handleTcpOpen(now);
  }

  handleTcpData(chunk: Uint8Array, now: number): void {
    this.tcpIn.push(chunk);
    for (const frame of this.tcpIn) {
      if (isTcpFrameError(frame)) {
        this.drop('malformed', `TCP frame: ${frame.detail}`);
        this.session.connectionFailed(AooErrorCode.BadFormat, `bad TCP frame from the server: ${frame.detail}`);
        return;
      }
      const r = decodeAoo(frame);
      if (!r.ok) this.drop('malformed', `TCP: ${r.error.detail}`);
      else if (!isClientMessage(r.value)) this.drop('unexpected', `${r.value.kind} over TCP`);
      else this.handleServerMessage(r.value, now);
    }
  }

  /** The TCP connection closed (by either side) or failed. */
  handleTcpClosed(detail: string): void {
    this.session.connectionFailed(ClientErrorCode.Socket, detail);
  }

  update(now: number): void {
    this.session.update(now);
    this.directory.expire(now);
    for (const p of this.membership.peers()) p.update(now, this.ctx);
  }

  nextWakeup(): number {
    let t = Math.min(this.session.nextWakeup(), this.directory.nextWakeup());
    for (const p of this.membership.peers()) t = Math.min(t, p.nextWakeup());
    return t;
  }

  pollActions(): ClientAction[] {
    return this.outbox.pollActions();
  }

  pollEvents(): ClientEvent[] {
    return this.outbox.pollEvents();
  }

  // ---- internals

  private handleRelayed(bytes: Uint8Array, relay: UdpAddress, now: number): void {
    const r = unwrapRelay(bytes);
    if ('detail' in r) {
      this.drop('malformed', `relay: ${r.detail}`);
      return;
    }
    const from = udpAddressOf(r.address);
    const inner = routePacket(r.packet);
    if (from === null || (inner.form !== 'binary' && inner.form !== 'osc')) this.drop('malformed', 'relayed packet');
    else if (inner.type === MsgType.Source || inner.type === MsgType.Sink) this.outbox.deliver(r.packet, from);
    else if (inner.type === MsgType.Peer) this.handleMessage(r.packet, from, relay, now);
    else this.drop('unexpected', `relayed ${MsgType[inner.type]} message`);
  }

  /** A datagram from `from`, which came through the relay `via` unless that is null. */
  private handleMessage(bytes: Uint8Array, from: UdpAddress, via: UdpAddress | null, now: number): void {
    const r = decodeAoo(bytes);
    if (!r.ok) {
      this.drop('malformed', r.error.detail);
      return;
    }
    const m = r.value;
    const fromServer = via === null && this.isServer(from);
    if (isPeerMessage(m)) this.handlePeerMessage(m, from, via, now);
    else if (m.kind === 'client/query' && fromServer) this.session.handleQuery(m.publicAddress, now);
    else if (m.kind !== 'client/pong' || !fromServer) this.drop('unexpected', `${m.kind} from ${from.address} port ${from.port}`);
  }

  private handlePeerMessage(m: PeerMessage, from: UdpAddress, via: UdpAddress | null, now: number): void {
    const peer = this.membership.peer(m.groupId, m.senderId);
    if (peer === undefined) {
      this.drop('unknown-peer', `${m.kind} for group ${m.groupId} user ${m.senderId}`);
      return;
    }
    const wasConnected = peer.link.connected;
    switch (m.kind) {
      case 'peer/ping':
        peer.handlePing(m, from, via, now, this.ctx);
        break;
      case 'peer/pong':
        peer.handlePong(m, from, via, now, this.ctx);
        break;
      case 'peer/msg':
        peer.handleMessage(m, this.ctx);
        break;
      case 'peer/ack':
        peer.handleAck(m);
        break;
    }
    if (!wasConnected && peer.link.connected) {
      this.membership.connected(peer);
      peer.update(now, this.ctx); // the first regular ping goes out at once
    }
  }

  private handleServerMessage(m: ClientMessage, now: number): void {
    this.session.heardFromServer(now);
    const c = this.session.connection;
    let problem: string | null = null;
    if (m.kind === 'client/login') problem = this.session.handleLogin(m, now) ? null : `login reply with token ${m.token}`;
    else if (m.kind === 'client/ping') this.session.handlePing();
    else if (m.kind === 'client/query') problem = 'address query reply over TCP';
    else if (c === null) problem = `${m.kind} before login`;
    else if (m.kind !== 'client/pong') problem = this.directory.handle(m, c, now);
    if (problem !== null) this.drop('unexpected', problem);
  }

  /** Runs a request under the next token (one counter for all requests, never reset, spec §11.4). */
  private withToken(request: (token: number) => void): number {
    const token = this.nextToken++;
    request(token);
    return token;
  }

  private isServer(from: UdpAddress): boolean {
    const server = this.session.server;
    return server !== null && sameAddress(server, from);
  }

  private drop(reason: ClientDropReason, detail: string): void {
    if (this.drops.count(reason)) this.outbox.event({ type: 'InputDropped', reason, detail });
  }
}

function isClientMessage(m: AooMessage): m is ClientMessage {
  return m.kind.startsWith('client/');
}

function isPeerMessage(m: AooMessage): m is PeerMessage {
  return m.kind.startsWith('peer/');
}
