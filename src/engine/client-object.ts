/**
 * `[aoo.client]` inside the engine: an AOO client on its port's UDP socket (shared with that
 * port's send~ and receive~, which name its peers as `<group> <user> <id>`), with the
 * reference object's methods and events (wire spec §12.3).
 */
import type { UdpAddress } from '../net/address.ts';
import type { PeerInfo } from '../net/client/events.ts';
import type { MessageTarget } from '../net/client/membership.ts';
import { CLIENT_PACKET_SIZE_MIN } from '../net/client/message-frames.ts';
import { PACKET_SIZE_DEFAULT, PACKET_SIZE_MAX } from '../protocol/aoo/constants.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import { type NtpTime, ntpFromSeconds, ntpToSeconds } from '../protocol/ntp.ts';
import type { PacketOut, SocketAddress } from '../stream/endpoint.ts';
import { ClientDriver, type ClientNotice, requestFailure } from './client-driver.ts';
import type { Atom } from './control-protocol.ts';
import { dataAtoms, parseDataArgs } from './data-atoms.ts';
import { isPortNumber, nameOf } from './endpoint-args.ts';
import { EventSchedule } from './event-schedule.ts';
import { type HostOutput, type Method, MethodDispatcher, type MethodResult, type ObjectStatus, type PeerName, resolveHost } from './host-object.ts';
import { KeptSettings, type Setting, flagSetting, msSetting, numberSetting } from './kept-settings.ts';
import type { ConnectTcp } from './net-io.ts';
import { pingAtoms } from './ping-atoms.ts';

export interface ClientOutput extends HostOutput {
  /** A datagram out of the client's UDP port. */
  readonly packet: PacketOut;
  /** A source or sink packet that came through a relay: route it on the port as if it came from `from`. */
  deliver(bytes: Uint8Array, from: UdpAddress): void;
  /** Call `update()` again no later than `time`. */
  wake(time: number): void;
}

export interface ClientContext {
  readonly output: ClientOutput;
  /** Wall time, seconds on the NTP timescale. */
  readonly now: () => number;
  readonly resolve: (host: string) => string | Promise<string>;
  readonly connectTcp: ConnectTcp;
  /** This machine's addresses with `port`, announced to the server before the public one (spec §11.4). */
  readonly localAddresses: (port: number) => UdpAddress[];
  /** The engine's log (not the patch's). */
  readonly log: (line: string) => void;
}

interface ClientSettings {
  /** Seconds added to now for the timestamp of sent messages; null = no timestamp. */
  readonly offset: number | null;
  /** Seconds added to the delay of received messages with a timestamp. */
  readonly delay: number;
  readonly schedule: boolean;
  readonly discardLate: boolean;
  readonly reliable: boolean;
  readonly packetSize: number;
  readonly binary: boolean;
  /** Where `send` and lists go. */
  readonly target: MessageTarget;
}

const DEFAULTS: ClientSettings = { offset: null, delay: 0, schedule: true, discardLate: false, reliable: false, packetSize: PACKET_SIZE_DEFAULT, binary: true, target: {} };

const targetSetting: Setting<ClientSettings> = {
  apply: (o, args) => {
    if (args.length > 2) return 'expects nothing (all peers) or <group> or <group> <user>';
    const [group, user] = args.map(nameOf);
    return { ...o, target: group === undefined ? {} : user === undefined ? { group } : { group, user } };
  },
};

const SETTINGS: Readonly<Record<string, Setting<ClientSettings>>> = {
  offset: numberSetting(-1, 3600000, false, (o, ms) => ({ ...o, offset: ms < 0 ? null : ms / 1000 })),
  delay: msSetting(-3600000, 3600000, (o, delay) => ({ ...o, delay })),
  schedule: flagSetting((o, schedule) => ({ ...o, schedule })),
  discard_late: flagSetting((o, discardLate) => ({ ...o, discardLate })),
  reliable: flagSetting((o, reliable) => ({ ...o, reliable })),
  // The engine's clock is the system clock, not a DSP tick clock: there is no jitter to remove.
  dejitter: flagSetting((o) => o),
  packetsize: numberSetting(CLIENT_PACKET_SIZE_MIN, PACKET_SIZE_MAX, true, (o, packetSize) => ({ ...o, packetSize })),
  binary: flagSetting((o, binary) => ({ ...o, binary })),
  target: targetSetting,
};

/** Received messages waiting for their time, at most; more are dropped (a flood must not eat the memory). */
const MAX_SCHEDULED = 1024;

/** `<group> <user> <userId>`. */
function peerAtoms(p: PeerInfo): Atom[] {
  return [p.groupName, p.userName, p.userId];
}

/** `<group> <user> <userId> <ip> <port>`. */
function peerAddressAtoms(p: PeerInfo): Atom[] {
  return p.address === null ? peerAtoms(p) : [...peerAtoms(p), p.address.address, p.address.port];
}

export class ClientObject {
  readonly kind = 'client';
  private readonly driver: ClientDriver;
  private readonly settings: KeptSettings<ClientSettings>;
  private readonly dispatcher: MethodDispatcher;
  private readonly scheduled = new EventSchedule<Atom[]>(MAX_SCHEDULED);
  private droppedMessages = 0;
  /** The `connect` arguments while connected. */
  private server: readonly Atom[] | null = null;
  /** The `group_join` arguments of the groups joined, by group name. */
  private readonly groups = new Map<string, readonly Atom[]>();

  constructor(
    private readonly ctx: ClientContext,
    private port: number,
  ) {
    const out = ctx.output;
    this.driver = new ClientDriver(
      {
        now: ctx.now,
        udp: out.packet,
        deliver: (bytes, from) => out.deliver(bytes, from),
        connectTcp: ctx.connectTcp,
        wake: (time) => out.wake(Math.min(time, this.scheduled.nextDue)),
        notice: (e) => this.notice(e),
        fault: (e) => out.error(`internal error: ${e instanceof Error ? e.message : String(e)}`),
      },
      { packetSize: DEFAULTS.packetSize, binary: DEFAULTS.binary },
    );
    this.settings = new KeptSettings(SETTINGS, DEFAULTS, (next) => this.reconfigure(next));
    this.dispatcher = new MethodDispatcher({ ...this.settings.methods(), ...this.methods() }, out);
  }

  /** For the port's sources and sinks: packets to relayed peers go through their relay. */
  get streamOut(): PacketOut {
    return this.driver.streamOut;
  }

  status(): ObjectStatus {
    return { latencyMs: 0, lostBlocks: 0 };
  }

  method(selector: string, args: readonly Atom[]): void {
    this.dispatcher.run(selector === 'list' ? 'send' : selector, args);
  }

  /** A datagram for the client from its port. */
  packet(bytes: Uint8Array, from: UdpAddress): void {
    this.driver.receive(bytes, from);
  }

  /** Timers, and received messages whose time has come. */
  update(): void {
    for (const m of this.scheduled.takeDue(this.ctx.now())) this.ctx.output.event('msg', m);
    this.driver.update();
  }

  peerAddress(name: PeerName): SocketAddress | string {
    if (this.server === null) return 'aoo.client is not connected';
    return this.driver.core.peerAddress(name.group, name.user) ?? `no peer "${name.user}" in group "${name.group}" (yet)`;
  }

  peerAt(address: SocketAddress): PeerName | null {
    const p = this.driver.core.peerAt(address);
    return p === null ? null : { group: p.groupName, user: p.userName };
  }

  /** The engine moved the client to another port (`port`): a connection on the old one ends. */
  portChanged(port: number): void {
    this.port = port;
    if (this.server === null) return;
    this.driver.run((c) => c.disconnect());
    this.offline();
  }

  keep(): Atom[][] {
    const lines = this.settings.keep();
    if (this.server !== null) lines.push(['connect', ...this.server]);
    for (const args of this.groups.values()) lines.push(['group_join', ...args]);
    return lines;
  }

  close(): void {
    this.dispatcher.close();
    this.driver.close();
    this.scheduled.clear();
  }

  /** packetsize and binary make a new Client: only while not connected. Every change goes into /keep. */
  private reconfigure(next: ClientSettings): MethodResult {
    const current = this.settings.current;
    if (next.packetSize !== current.packetSize || next.binary !== current.binary) {
      if (this.server !== null) return 'cannot change while connected (disconnect first)';
      this.driver.reconfigure({ packetSize: next.packetSize, binary: next.binary });
    }
    this.ctx.output.stateChanged();
    return undefined;
  }

  /** The connection is gone: no server, no groups. */
  private offline(): void {
    this.server = null;
    this.groups.clear();
    this.ctx.output.stateChanged();
    this.ctx.output.event('connection', [0]);
  }

  private notice(e: ClientNotice): void {
    const out = this.ctx.output;
    switch (e.type) {
      case 'Disconnect':
        if (this.server === null) return;
        out.error(`disconnected from the server: ${e.message}`);
        this.offline();
        return;
      case 'GroupEject':
        out.error(`ejected from group "${e.group.groupName}"`);
        this.groups.delete(e.group.groupName);
        out.stateChanged();
        return;
      case 'PeerHandshake':
        return out.event('peer_handshake', peerAtoms(e.peer));
      case 'PeerTimeout':
        return out.event('peer_timeout', peerAtoms(e.peer));
      case 'PeerJoin':
        return out.event('peer_join', peerAddressAtoms(e.peer));
      case 'PeerLeave':
        return out.event('peer_leave', peerAddressAtoms(e.peer));
      case 'PeerPing':
        return out.event('peer_ping', [...peerAddressAtoms(e.peer), ...pingAtoms(e.t1, e.t2, e.t3, e.t4)]);
      case 'PeerMessage':
        return this.received(e.peer, e.timestamp, e.data);
      case 'InputDropped':
        this.ctx.log(`dropped a ${e.reason} packet (${e.detail}); further ones are counted silently`);
        return;
      default:
        // Not forwarded by the reference object either (spec §12.3): PeerState, Notification, the updates.
        return;
    }
  }

  /** A peer message, as `msg <delay_ms> <group> <user> <type> <data…>`, scheduled by its timestamp (spec §12.3). */
  private received(peer: PeerInfo, timestamp: NtpTime | null, data: AooData): void {
    const s = this.settings.current;
    const now = this.ctx.now();
    const delay = timestamp === null ? 0 : ntpToSeconds(timestamp) - now + s.delay;
    const atoms = [delay * 1000, peer.groupName, peer.userName, ...dataAtoms(data)];
    const late = delay < 0;
    if (s.schedule && late && s.discardLate) return;
    if (!s.schedule || delay <= 0) {
      this.ctx.output.event('msg', atoms);
      return;
    }
    if (this.scheduled.add(now + delay, atoms)) {
      this.ctx.output.wake(this.scheduled.nextDue);
      return;
    }
    if (this.droppedMessages++ === 0) this.ctx.output.error(`more than ${MAX_SCHEDULED} messages wait for their time: dropping them`);
  }

  private send(target: MessageTarget, args: readonly Atom[], at: number): MethodResult {
    const data = parseDataArgs(args, at);
    if (typeof data === 'string') return data;
    if (this.server === null) return 'not connected';
    if (target.group !== undefined && target.user !== undefined && this.driver.core.peerAddress(target.group, target.user) === null) {
      return `no peer "${target.user}" in group "${target.group}" (yet)`;
    }
    const { offset, reliable } = this.settings.current;
    const sent = this.driver.run((c, now) => c.sendMessage(target, data, { reliable, timestamp: offset === null ? null : ntpFromSeconds(now + offset) }, now));
    return sent.ok ? undefined : sent.error;
  }

  private methods(): Record<string, Method> {
    const out = this.ctx.output;
    return {
      connect: async (args) => {
        const [host, port, password] = args;
        if (typeof host !== 'string' || !isPortNumber(port) || args.length > 3) return 'expects <host> <port> [<password>]';
        if (this.server !== null) return 'already connected (disconnect first)';
        if (this.port === 0) return 'no UDP port (port 0): give the object a port first';
        const resolved = await resolveHost(this.ctx.resolve, host);
        if (!resolved.ok) {
          out.event('connection', [0]);
          return resolved.error;
        }
        const localAddresses = this.ctx.localAddresses(this.port);
        const server = { address: resolved.address, port };
        const pw = password === undefined ? undefined : nameOf(password);
        return this.driver.request('connect', (c, now) => c.connect({ server, password: pw, localAddresses }, now), (r) => {
          if (!r.ok) {
            out.event('connection', [0]);
            return `cannot connect to ${host} ${port}: ${requestFailure(r)}`;
          }
          this.server = args;
          out.stateChanged();
          out.event('connection', [1]);
          return undefined;
        });
      },
      disconnect: (args) => {
        if (args.length > 0) return 'takes no arguments';
        if (this.server === null) return 'not connected';
        this.driver.run((c) => c.disconnect());
        this.offline();
        return undefined;
      },
      group_join: (args) => {
        if (args.length < 3 || args.length > 4) return 'expects <group> <group-password> <user> [<user-password>]';
        const [group, groupPassword, user, userPassword] = args.map(nameOf) as [string, string, string, string | undefined];
        if (this.server === null) return 'not connected';
        return this.driver.request('group-join', (c, now) => c.joinGroup({ group, groupPassword, user, userPassword }, now), (r) => {
          if (!r.ok) {
            out.event('group_join', [group, 0]);
            return `cannot join group "${group}" as "${user}": ${requestFailure(r)}`;
          }
          this.groups.set(group, args);
          out.stateChanged();
          out.event('group_join', [group, 1, r.userId]);
          return undefined;
        });
      },
      group_leave: (args) => {
        if (args.length !== 1) return 'expects <group>';
        const group = nameOf(args[0]!);
        return this.driver.request('group-leave', (c, now) => c.leaveGroup(group, now), (r) => {
          if (!r.ok) {
            out.event('group_leave', [group, 0]);
            return `cannot leave group "${group}": ${requestFailure(r)}`;
          }
          this.groups.delete(group);
          out.stateChanged();
          out.event('group_leave', [group, 1]);
          return undefined;
        });
      },
      peer_list: (args) => {
        if (args.length > 0) return 'takes no arguments';
        for (const p of this.driver.core.peers()) if (p.address !== null) out.event('peer', peerAddressAtoms(p));
        return undefined;
      },
      broadcast: (args) => this.send({}, args, 0),
      send_group: (args) => (args.length < 2 ? 'expects <group> <type> <data…>' : this.send({ group: nameOf(args[0]!) }, args, 1)),
      send_peer: (args) => (args.length < 3 ? 'expects <group> <user> <type> <data…>' : this.send({ group: nameOf(args[0]!), user: nameOf(args[1]!) }, args, 2)),
      send: (args) => this.send(this.settings.current.target, args, 0),
    };
  }
}
