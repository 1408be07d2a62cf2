/**
 * The engine's core: host objects by control connection, their UDP ports, heartbeats and
 * timeouts. Sans-I/O apart from the injected dependencies: sockets, timers and the clock
 * live in engine-process.ts (and in simulations in the tests).
 */
import { addressKey } from '../net/address.ts';
import type { SocketAddress } from '../stream/endpoint.ts';
import type { Random } from '../util/random.ts';
import {
  type Atom,
  type ControlRequest,
  HEARTBEAT_SECONDS,
  OBJECT_TIMEOUT,
  type ObjectConfig,
  parseControl,
} from './control-protocol.ts';
import { ControlWriter } from './control-writer.ts';
import { isAooId } from './endpoint-args.ts';
import { ErrorLimiter } from './error-limiter.ts';
import type { ObjectContext, ObjectOutput } from './host-object.ts';
import { type OpenPort, PortBinding, PortPool, messageTypeOf } from './port-pool.ts';
import { ReceiveObject } from './receive-object.ts';
import { SendObject } from './send-object.ts';

/** Version of the control protocol, answered to /probe. */
export const CONTROL_PROTOCOL_VERSION = 1;

/** An object silent for this long gives up its (kind, port, id) to a new object that wants it. */
const TAKEOVER_SECONDS = 1;

export interface EngineDeps {
  readonly openPort: OpenPort;
  /** Sends a datagram to a host object's connection. `bytes` is reused after the call. */
  readonly sendControl: (bytes: Uint8Array, to: SocketAddress) => void;
  readonly resolve: (host: string) => string | Promise<string>;
  /** Wall time, seconds on the NTP timescale. */
  readonly now: () => number;
  readonly random: Random;
  readonly log: (line: string) => void;
  readonly pid: number;
}

type HostObject = SendObject | ReceiveObject;

/** One host object as the engine keeps it. */
class Entry {
  readonly object: HostObject;
  readonly errors: ErrorLimiter;
  port: number;
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
    this.id = config.id;
    this.lastHeard = now();
    this.errors = new ErrorLimiter(now);
    this.object = makeObject(this);
  }

  get name(): string {
    return `${objectName(this.config.kind)} ${this.port} ${this.id}`;
  }
}

function objectName(kind: 'send' | 'receive'): string {
  return kind === 'send' ? 'aoo.send~' : 'aoo.receive~';
}

function sameConfig(a: ObjectConfig, b: ObjectConfig): boolean {
  return (Object.keys(a) as (keyof ObjectConfig)[]).every((k) => a[k] === b[k]);
}

export class Engine {
  private readonly entries = new Map<string, Entry>();
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
    switch (req.kind) {
      case 'block':
        if (entry.object.kind === 'send') entry.object.block(req.tick, req.samples);
        else this.error(entry.connection, entry.errors, `${entry.name}: /blk is for aoo.send~`);
        return;
      case 'tick':
        if (entry.object.kind === 'receive') entry.object.tick(req.tick);
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
    const holder = this.holderOf(config.kind, config.port, config.id);
    if (holder !== undefined) {
      if (this.deps.now() - holder.lastHeard < TAKEOVER_SECONDS) {
        if (!this.refused.has(addressKey(from))) {
          this.error(from, this.strangerErrors, `${objectName(config.kind)}: port ${config.port} id ${config.id} is already used by another ${objectName(config.kind)}`);
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
    this.deps.log(`${entry.name}: opened (${config.channels} ch, ${config.sampleRate} Hz, control ${from.address}:${from.port})`);
    this.reply(from, this.writer.ready(true));
  }

  private create(config: ObjectConfig, connection: SocketAddress): Entry {
    return new Entry(connection, config, this.deps.now, (entry) => {
      const ctx: ObjectContext = { config, output: this.outputOf(entry), random: this.deps.random, resolve: this.deps.resolve, now: this.deps.now };
      return config.kind === 'send' ? new SendObject(ctx) : new ReceiveObject(ctx);
    });
  }

  private outputOf(entry: Entry): ObjectOutput {
    const send = (bytes: Uint8Array | null, what: string) => {
      if (entry.closed) return;
      if (bytes === null) this.error(entry.connection, entry.errors, `${entry.name}: ${what} does not fit a datagram; not sent`);
      else this.deps.sendControl(bytes, entry.connection);
    };
    return {
      event: (name, args) => send(this.writer.event(name, args), `event ${name}`),
      eventAt: (tick, offset, name, args) => send(this.writer.eventAt(tick, offset, name, args), `event ${name}`),
      block: (tick, samples) => send(this.writer.out(tick, samples), 'the output block'),
      error: (text) => {
        if (!entry.closed) this.error(entry.connection, entry.errors, `${entry.name}: ${text}`);
      },
      stateChanged: () => {
        if (entry.keepPending || entry.closed) return;
        entry.keepPending = true;
        // After the current method has finished updating the object.
        queueMicrotask(() => this.sendKeep(entry));
      },
      packet: (bytes, to) => entry.binding?.send(bytes, to),
    };
  }

  private sendKeep(entry: Entry): void {
    entry.keepPending = false;
    if (entry.closed) return;
    const lines: Atom[][] = [];
    if (entry.port !== entry.config.port || entry.id !== entry.config.id) lines.push(['set', entry.port, entry.id]);
    lines.push(...entry.object.keep());
    const kept = JSON.stringify(lines);
    if (kept === entry.kept) return;
    entry.kept = kept;
    this.reply(entry.connection, this.writer.keepClear());
    for (const line of lines) this.reply(entry.connection, this.writer.keep(line));
  }

  private method(entry: Entry, selector: string, args: readonly Atom[], tick: number, offset: number): void {
    const rebind = (port: number, id: number) => this.rebind(entry, port, id);
    switch (selector) {
      case 'port':
        if (args.length !== 1 || !isPortOrZero(args[0])) return this.methodError(entry, 'port', 'expects a port number 0…65535');
        return rebind(args[0], entry.id);
      case 'id':
        if (args.length !== 1 || !isAooId(args[0])) return this.methodError(entry, 'id', 'expects a whole number 0…2147483647');
        return rebind(entry.port, args[0]);
      case 'set':
        if (args.length !== 2 || !isPortOrZero(args[0]) || !isAooId(args[1])) return this.methodError(entry, 'set', 'expects <port> <id>');
        return rebind(args[0], args[1]);
      default:
        if (entry.object.kind === 'send') entry.object.method(selector, args, tick, offset);
        else entry.object.method(selector, args);
    }
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
    const holder = this.holderOf(entry.config.kind, port, id);
    if (holder !== undefined && holder !== entry) {
      this.methodError(entry, 'set', `port ${port} id ${id} is already used by another ${objectName(entry.config.kind)}`);
      return;
    }
    if (id !== entry.id) {
      const error = entry.object.setId(id);
      if (error !== undefined) return this.methodError(entry, 'id', error);
    }
    const old = entry.binding;
    entry.port = port;
    entry.id = id;
    this.bind(entry);
    old?.release();
    this.outputOf(entry).stateChanged();
  }

  private bind(entry: Entry): void {
    const { object } = entry;
    entry.binding =
      entry.port === 0
        ? null
        : new PortBinding(
            this.ports,
            entry.port,
            messageTypeOf(object.kind),
            entry.id,
            (bytes, from) => this.guard(entry, () => object.packet(bytes, from)),
            (text) => this.error(entry.connection, entry.errors, `${entry.name}: ${text}`),
          );
  }

  private holderOf(kind: 'send' | 'receive', port: number, id: number): Entry | undefined {
    if (port === 0) return undefined;
    for (const e of this.entries.values()) if (e.config.kind === kind && e.port === port && e.id === id) return e;
    return undefined;
  }

  private remove(entry: Entry, why: string): void {
    if (entry.closed) return;
    entry.object.close();
    entry.closed = true;
    entry.binding?.release();
    entry.binding = null;
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
