/**
 * The engine's core: host objects by control connection, their UDP ports, heartbeats and
 * timeouts. Sans-I/O apart from the injected dependencies: sockets, timers and the clock
 * live in engine-process.ts (and in simulations in the tests).
 *
 * The objects of one port share its UDP socket: its send~ and receive~ by AOO ID, its one
 * client for everything else. Their packets to a peer that needs a relay go through the
 * client, and they name the client's peers as `<group> <user> <id>`.
 */
import { type UdpAddress, addressKey } from '../net/address.ts';
import type { SocketAddress } from '../stream/endpoint.ts';
import type { Random } from '../util/random.ts';
import { ClientObject } from './client-object.ts';
import {
  type Atom,
  type ControlRequest,
  HEARTBEAT_SECONDS,
  OBJECT_TIMEOUT,
  type ObjectConfig,
  type ObjectKind,
  parseControl,
} from './control-protocol.ts';
import { ControlWriter } from './control-writer.ts';
import { isAooId } from './endpoint-args.ts';
import { ErrorLimiter } from './error-limiter.ts';
import type { HostOutput, PeerDirectory, StreamOutput } from './host-object.ts';
import type { ConnectTcp, OpenServer } from './net-io.ts';
import { type OpenPort, PortBinding, PortPool, clientAttachment, messageTypeOf, objectAttachment } from './port-pool.ts';
import { ReceiveObject } from './receive-object.ts';
import { SendObject } from './send-object.ts';
import { ServerObject } from './server-object.ts';

/** Version of the control protocol, answered to /probe. */
export const CONTROL_PROTOCOL_VERSION = 1;

/** An object silent for this long gives up its (kind, port, id) to a new object that wants it. */
const TAKEOVER_SECONDS = 1;

export interface EngineDeps {
  readonly openPort: OpenPort;
  /** TCP to an AOO server, for the clients. */
  readonly connectTcp: ConnectTcp;
  /** An AOO server on its own TCP and UDP port, for `[aoo.server]`. */
  readonly openServer: OpenServer;
  /** This machine's addresses with `port`, which a client announces to its server. */
  readonly localAddresses: (port: number) => UdpAddress[];
  /** Call `timer()` no later than `time` (the clients' pings, resends and scheduled messages). */
  readonly wakeAt: (time: number) => void;
  /** Sends a datagram to a host object's connection. `bytes` is reused after the call. */
  readonly sendControl: (bytes: Uint8Array, to: SocketAddress) => void;
  readonly resolve: (host: string) => string | Promise<string>;
  /** Wall time, seconds on the NTP timescale. */
  readonly now: () => number;
  readonly random: Random;
  readonly log: (line: string) => void;
  readonly pid: number;
}

type HostObject = SendObject | ReceiveObject | ClientObject | ServerObject;

/** One host object as the engine keeps it. */
class Entry {
  readonly object: HostObject;
  readonly errors: ErrorLimiter;
  port: number;
  /** The AOO ID of a send~ or receive~; 0 for a client or server. */
  id: number;
  binding: PortBinding | null = null;
  lastHeard: number;
  /** The last /keep list sent (JSON), and whether a new one is being prepared. */
  kept = '[]';
  keepPending = false;
  closed = false;

  constructor(
    readonly connection: SocketAddress,
    readonly config: ObjectConfig,
    now: () => number,
    makeObject: (entry: Entry) => HostObject,
  ) {
    this.port = config.port;
    this.id = 'id' in config ? config.id : 0;
    this.lastHeard = now();
    this.errors = new ErrorLimiter(now);
    this.object = makeObject(this);
  }

  get name(): string {
    const name = `${objectName(this.config.kind)} ${this.port}`;
    return hasId(this.config.kind) ? `${name} ${this.id}` : name;
  }
}

const OBJECT_NAMES: Readonly<Record<ObjectKind, string>> = { send: 'aoo.send~', receive: 'aoo.receive~', client: 'aoo.client', server: 'aoo.server' };

function objectName(kind: ObjectKind): string {
  return OBJECT_NAMES[kind];
}

/** send~ and receive~ have an AOO ID; a port has one client and one server at most. */
function hasId(kind: ObjectKind): kind is 'send' | 'receive' {
  return kind === 'send' || kind === 'receive';
}

/** "port 9000 id 7", "port 9000". */
function placeText(kind: ObjectKind, port: number, id: number): string {
  return hasId(kind) ? `port ${port} id ${id}` : `port ${port}`;
}

function sameConfig(a: ObjectConfig, b: ObjectConfig): boolean {
  const keys = Object.keys(a) as (keyof ObjectConfig)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export class Engine {
  private readonly entries = new Map<string, Entry>();
  /** The client of each port that has one. */
  private readonly clients = new Map<number, ClientObject>();
  private readonly ports: PortPool;
  private readonly writer = new ControlWriter();
  private readonly strangerErrors: ErrorLimiter;
  /** Connections refused a registration (port and id taken), told once: they retry every heartbeat. */
  private readonly refused = new Map<string, number>();
  private lastHeartbeat = -Infinity;
  private emptySince: number;

  constructor(private readonly deps: EngineDeps) {
    this.ports = new PortPool(deps.openPort);
    this.emptySince = deps.now();
    this.strangerErrors = new ErrorLimiter(deps.now);
  }

  get objectCount(): number {
    return this.entries.size;
  }

  get openPorts(): number {
    return this.ports.size;
  }

  /** Seconds without any object (0 while there are some). */
  get idleSeconds(): number {
    return this.entries.size > 0 ? 0 : this.deps.now() - this.emptySince;
  }

  /** One datagram from a host object. */
  handleControl(bytes: Uint8Array, from: SocketAddress): void {
    const req = parseControl(bytes);
    const entry = this.entries.get(addressKey(from));
    if (entry !== undefined) entry.lastHeard = this.deps.now();
    if (req.kind === 'open') {
      this.open(req.config, from, entry);
      return;
    }
    if (req.kind === 'probe') {
      this.reply(from, this.writer.engine(String(CONTROL_PROTOCOL_VERSION), this.deps.pid));
      return;
    }
    if (entry === undefined) {
      // Blocks and heartbeats of an object the engine does not know (yet) are expected after a
      // restart; the host re-registers when its link times out. Methods deserve an answer.
      if (req.kind === 'invalid' || req.kind === 'method') {
        const text = req.kind === 'invalid' ? req.reason : `${req.selector}: this object is not registered with the engine (yet)`;
        this.error(from, this.strangerErrors, `aoo-node engine: ${text}`);
      }
      return;
    }
    this.guard(entry, () => this.dispatch(entry, req));
  }

  /** Heartbeats and timeouts; call it every 100 ms or so. */
  timer(): void {
    const now = this.deps.now();
    for (const entry of [...this.entries.values()]) {
      if (now - entry.lastHeard >= OBJECT_TIMEOUT) this.remove(entry, `silent for ${OBJECT_TIMEOUT} s`);
    }
    for (const [key, at] of this.refused) if (now - at >= OBJECT_TIMEOUT) this.refused.delete(key);
    for (const entry of this.entries.values()) {
      const { object } = entry;
      if (object.kind === 'client') this.guard(entry, () => object.update());
    }
    if (now - this.lastHeartbeat < HEARTBEAT_SECONDS) return;
    this.lastHeartbeat = now;
    for (const entry of this.entries.values()) {
      const { latencyMs, lostBlocks } = entry.object.status();
      this.reply(entry.connection, this.writer.heartbeat(latencyMs, lostBlocks));
    }
  }

  /** Removes every object (their sinks get `/stop`) and closes the ports. */
  close(): void {
    for (const entry of [...this.entries.values()]) this.remove(entry, 'engine stopping');
  }

  private dispatch(entry: Entry, req: ControlRequest): void {
    const { object } = entry;
    switch (req.kind) {
      case 'block':
        if (object.kind === 'send') object.block(req.tick, req.samples);
        else this.error(entry.connection, entry.errors, `${entry.name}: /blk is for aoo.send~`);
        return;
      case 'tick':
        if (object.kind === 'receive') object.tick(req.tick);
        else this.error(entry.connection, entry.errors, `${entry.name}: /tick is for aoo.receive~`);
        return;
      case 'method':
        this.method(entry, req.selector, req.args, req.tick, req.offset);
        return;
      case 'invalid':
        this.error(entry.connection, entry.errors, `${entry.name}: ${req.reason}`);
        return;
      default:
        return;
    }
  }

  private open(config: ObjectConfig, from: SocketAddress, existing: Entry | undefined): void {
    if (existing !== undefined) {
      if (sameConfig(existing.config, config)) {
        this.reply(from, this.writer.ready(false));
        return;
      }
      this.remove(existing, 'reopened with other arguments');
    }
    const id = 'id' in config ? config.id : 0;
    const holder = this.holderOf(config.kind, config.port, id);
    if (holder !== undefined) {
      if (this.deps.now() - holder.lastHeard < TAKEOVER_SECONDS) {
        if (!this.refused.has(addressKey(from))) {
          this.error(from, this.strangerErrors, `${objectName(config.kind)}: ${placeText(config.kind, config.port, id)} is already used by another ${objectName(config.kind)}`);
        }
        this.refused.set(addressKey(from), this.deps.now());
        return;
      }
      this.remove(holder, 'replaced by a new object with the same port and id');
    }
    this.refused.delete(addressKey(from));
    const entry = this.create(config, from);
    this.entries.set(addressKey(from), entry);
    this.bind(entry);
    const format = 'channels' in config ? `${config.channels} ch, ${config.sampleRate} Hz, ` : '';
    this.deps.log(`${entry.name}: opened (${format}control ${from.address}:${from.port})`);
    this.reply(from, this.writer.ready(true));
  }

  private create(config: ObjectConfig, connection: SocketAddress): Entry {
    const { deps } = this;
    return new Entry(connection, config, deps.now, (entry): HostObject => {
      switch (config.kind) {
        case 'send':
        case 'receive': {
          const ctx = { config, output: this.streamOutputOf(entry), random: deps.random, resolve: deps.resolve, now: deps.now, peers: this.peersOf(entry) };
          return config.kind === 'send' ? new SendObject(ctx) : new ReceiveObject(ctx);
        }
        case 'client': {
          const output = {
            ...this.hostOutputOf(entry),
            packet: (bytes: Uint8Array, to: SocketAddress) => entry.binding?.send(bytes, to),
            deliver: (bytes: Uint8Array, from: SocketAddress) => entry.binding?.dispatch(bytes, from),
            wake: (time: number) => {
              if (!entry.closed && Number.isFinite(time)) deps.wakeAt(time);
            },
          };
          const log = (line: string) => deps.log(`${entry.name}: ${line}`);
          return new ClientObject({ output, now: deps.now, resolve: deps.resolve, connectTcp: deps.connectTcp, localAddresses: deps.localAddresses, log }, config.port);
        }
        case 'server':
          return new ServerObject({ output: this.hostOutputOf(entry), openServer: deps.openServer });
      }
    });
  }

  private hostOutputOf(entry: Entry): HostOutput {
    return {
      event: (name, args) => {
        // The state an event follows from reaches the host first: an engine that dies right
        // after the event (the host may then lose datagrams not yet read) cannot lose the state.
        if (entry.keepPending) this.sendKeep(entry);
        this.toHost(entry, this.writer.event(name, args), `event ${name}`);
      },
      error: (text) => {
        if (!entry.closed) this.error(entry.connection, entry.errors, `${entry.name}: ${text}`);
      },
      stateChanged: () => {
        if (entry.keepPending || entry.closed) return;
        entry.keepPending = true;
        // After the current method has finished updating the object.
        queueMicrotask(() => this.sendKeep(entry));
      },
    };
  }

  private streamOutputOf(entry: Entry): StreamOutput {
    return {
      ...this.hostOutputOf(entry),
      eventAt: (tick, offset, name, args) => this.toHost(entry, this.writer.eventAt(tick, offset, name, args), `event ${name}`),
      block: (tick, samples) => this.toHost(entry, this.writer.out(tick, samples), 'the output block'),
      level: (channel, rmsDb, peakDb) => this.toHost(entry, this.writer.level(channel, rmsDb, peakDb), 'a level'),
      packet: (bytes, to) => {
        const client = this.clients.get(entry.port);
        if (client === undefined) entry.binding?.send(bytes, to);
        else client.streamOut(bytes, to);
      },
    };
  }

  /** The peers of the client on the object's port, whatever port that is now. */
  private peersOf(entry: Entry): PeerDirectory {
    return {
      addressOf: (name) => this.clients.get(entry.port)?.peerAddress(name) ?? `no aoo.client on port ${entry.port}`,
      nameAt: (address) => this.clients.get(entry.port)?.peerAt(address) ?? null,
    };
  }

  private toHost(entry: Entry, bytes: Uint8Array | null, what: string): void {
    if (entry.closed) return;
    if (bytes === null) this.error(entry.connection, entry.errors, `${entry.name}: ${what} does not fit a datagram; not sent`);
    else this.deps.sendControl(bytes, entry.connection);
  }

  private sendKeep(entry: Entry): void {
    entry.keepPending = false;
    if (entry.closed) return;
    const lines: Atom[][] = [];
    if (entry.port !== entry.config.port || ('id' in entry.config && entry.id !== entry.config.id)) {
      lines.push(hasId(entry.config.kind) ? ['set', entry.port, entry.id] : ['port', entry.port]);
    }
    lines.push(...entry.object.keep());
    const kept = JSON.stringify(lines);
    if (kept === entry.kept) return;
    entry.kept = kept;
    this.reply(entry.connection, this.writer.keepClear());
    for (const line of lines) this.reply(entry.connection, this.writer.keep(line));
  }

  private method(entry: Entry, selector: string, args: readonly Atom[], tick: number, offset: number): void {
    const { object } = entry;
    const withId = hasId(object.kind);
    if (selector === 'port') {
      if (args.length !== 1 || !isPortOrZero(args[0])) return this.methodError(entry, 'port', 'expects a port number 0…65535');
      return this.rebind(entry, args[0], entry.id);
    }
    if (withId && selector === 'id') {
      if (args.length !== 1 || !isAooId(args[0])) return this.methodError(entry, 'id', 'expects a whole number 0…2147483647');
      return this.rebind(entry, entry.port, args[0]);
    }
    if (withId && selector === 'set') {
      if (args.length !== 2 || !isPortOrZero(args[0]) || !isAooId(args[1])) return this.methodError(entry, 'set', 'expects <port> <id>');
      return this.rebind(entry, args[0], args[1]);
    }
    if (object.kind === 'send') object.method(selector, args, tick, offset);
    else object.method(selector, args);
  }

  /** Runs object code; whatever it throws is reported to the object and logged, never thrown out of the engine. */
  private guard(entry: Entry, body: () => void): void {
    try {
      body();
    } catch (e) {
      this.error(entry.connection, entry.errors, `${entry.name}: internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private methodError(entry: Entry, selector: string, text: string): void {
    this.error(entry.connection, entry.errors, `${entry.name}: ${selector}: ${text}`);
  }

  private rebind(entry: Entry, port: number, id: number): void {
    if (port === entry.port && id === entry.id) return;
    const { object } = entry;
    const holder = this.holderOf(object.kind, port, id);
    if (holder !== undefined && holder !== entry) {
      const kind = entry.config.kind;
      this.methodError(entry, hasId(kind) ? 'set' : 'port', `${placeText(kind, port, id)} is already used by another ${objectName(kind)}`);
      return;
    }
    if (id !== entry.id && object.kind !== 'client' && object.kind !== 'server') {
      const error = object.setId(id);
      if (error !== undefined) return this.methodError(entry, 'id', error);
    }
    // The new binding first, so that a port both use stays open.
    const old = this.unhook(entry);
    entry.port = port;
    entry.id = id;
    this.bind(entry);
    old?.release();
    this.hostOutputOf(entry).stateChanged();
  }

  /** Hooks the object into its port: a send~ or receive~ by its ID, a client for the rest, a server on its own. */
  private bind(entry: Entry): void {
    const { object, port } = entry;
    const onError = (text: string) => this.error(entry.connection, entry.errors, `${entry.name}: ${text}`);
    if (object.kind === 'server') {
      object.listen(port);
      return;
    }
    if (object.kind === 'client') object.portChanged(port);
    if (port === 0) return;
    if (object.kind === 'client') {
      this.clients.set(port, object);
      entry.binding = new PortBinding(this.ports, port, clientAttachment((bytes, from) => this.guard(entry, () => object.packet(bytes, from))), onError);
      return;
    }
    const handler = (bytes: Uint8Array, from: SocketAddress) => this.guard(entry, () => object.packet(bytes, from));
    entry.binding = new PortBinding(this.ports, port, objectAttachment(messageTypeOf(object.kind), entry.id, handler), onError);
  }

  /** Takes the object off its port; returns its binding, to release. */
  private unhook(entry: Entry): PortBinding | null {
    const { binding } = entry;
    entry.binding = null;
    if (this.clients.get(entry.port) === entry.object) this.clients.delete(entry.port);
    return binding;
  }

  private holderOf(kind: ObjectKind, port: number, id: number): Entry | undefined {
    if (port === 0) return undefined;
    for (const e of this.entries.values()) if (e.config.kind === kind && e.port === port && e.id === id) return e;
    return undefined;
  }

  private remove(entry: Entry, why: string): void {
    if (entry.closed) return;
    entry.object.close();
    entry.closed = true;
    this.unhook(entry)?.release();
    this.entries.delete(addressKey(entry.connection));
    if (this.entries.size === 0) this.emptySince = this.deps.now();
    this.deps.log(`${entry.name}: removed (${why})`);
  }

  private reply(to: SocketAddress, bytes: Uint8Array | null): void {
    if (bytes !== null) this.deps.sendControl(bytes, to);
  }

  private error(to: SocketAddress, limiter: ErrorLimiter, text: string): void {
    const verdict = limiter.admit();
    if (verdict === 'drop') return;
    const line = verdict === 'last' ? `${text} (more errors in this second are not shown)` : text;
    this.deps.log(line);
    this.reply(to, this.writer.error(line));
  }
}

function isPortOrZero(a: Atom | undefined): a is number {
  return typeof a === 'number' && Number.isInteger(a) && a >= 0 && a < 65536;
}
