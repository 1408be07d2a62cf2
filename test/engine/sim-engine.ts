/**
 * An engine in simulated time: a fake loopback network for its AOO ports (UDP, and TCP to
 * AOO servers, see sim-server.ts) and fake host objects that talk the control protocol like
 * the Pd abstractions do.
 */
import type { Atom, NetKind, StreamKind } from '../../src/engine/control-protocol.ts';
import { Engine } from '../../src/engine/engine.ts';
import type { NetworkPort, OpenPort, PacketHandler } from '../../src/engine/port-pool.ts';
import { addressKey } from '../../src/net/address.ts';
import { MsgType } from '../../src/protocol/aoo/constants.ts';
import { routePacket } from '../../src/protocol/aoo/route.ts';
import { type OscArg, type OscMessage, decodeOscMessage, encodeOscMessageToBytes } from '../../src/protocol/osc/index.ts';
import type { SocketAddress } from '../../src/stream/endpoint.ts';
import { seededRandom } from '../../src/util/random.ts';
import { SimServers } from './sim-server.ts';

/** A wall time on the NTP timescale (2023). */
export const T0 = 3_900_000_000;
export const LOOPBACK = '127.0.0.1';

export interface Datagram {
  readonly from: SocketAddress;
  readonly to: SocketAddress;
  readonly bytes: Uint8Array;
}

/** A datagram in flight, or something else that happens on the network (a TCP segment, a connection). */
type InFlight = { readonly kind: 'datagram'; readonly datagram: Datagram } | { readonly kind: 'task'; readonly run: () => void };

/** UDP on 127.0.0.1, and the tasks of the simulated TCP connections, delivered when the test calls `deliver()`. */
export class SimUdp {
  private readonly ports = new Map<number, SimPort>();
  private queue: InFlight[] = [];
  /** Ports "another program" holds: opening them fails. */
  readonly busy = new Set<number>();
  opened = 0;
  closed = 0;
  /** Drop every datagram whose bytes match (tests of loss). */
  drop: ((d: Datagram) => boolean) | null = null;

  readonly open: OpenPort = (port) => {
    const p = this.openNow(port);
    return p instanceof Error ? Promise.reject(p) : Promise.resolve(p);
  };

  openNow(port: number): SimPort | Error {
    if (this.ports.has(port) || this.busy.has(port)) return new Error(`bind EADDRINUSE 0.0.0.0:${port}`);
    const p = new SimPort(this, port);
    this.ports.set(port, p);
    this.opened++;
    return p;
  }

  isOpen(port: number): boolean {
    return this.ports.has(port);
  }

  post(d: Datagram): void {
    this.queue.push({ kind: 'datagram', datagram: { ...d, bytes: d.bytes.slice() } });
  }

  /** Runs `run` at the next `deliver()`, in order with the datagrams. */
  later(run: () => void): void {
    this.queue.push({ kind: 'task', run });
  }

  close(port: number): void {
    this.ports.delete(port);
    this.closed++;
  }

  /** Delivers queued datagrams and runs the tasks, including the ones posted meanwhile (bounded); returns the datagram count. */
  deliver(): number {
    let n = 0;
    for (let round = 0; round < 100 && this.queue.length > 0; round++) {
      const batch = this.queue;
      this.queue = [];
      for (const item of batch) {
        if (item.kind === 'task') {
          item.run();
          continue;
        }
        const d = item.datagram;
        if (this.drop?.(d) === true) continue;
        this.ports.get(d.to.port)?.dispatch(d.bytes, d.from);
        n++;
      }
    }
    return n;
  }
}

export class SimPort implements NetworkPort {
  private readonly handlers = new Map<string, PacketHandler>();
  networkHandler: PacketHandler | null = null;

  constructor(
    private readonly udp: SimUdp,
    readonly port: number,
  ) {}

  attach(type: MsgType.Source | MsgType.Sink, id: number, handler: PacketHandler): void {
    this.handlers.set(`${type}:${id}`, handler);
  }

  detach(type: MsgType.Source | MsgType.Sink, id: number): void {
    this.handlers.delete(`${type}:${id}`);
  }

  send(bytes: Uint8Array, to: SocketAddress): void {
    this.udp.post({ from: { address: LOOPBACK, port: this.port }, to, bytes });
  }

  close(): void {
    this.udp.close(this.port);
  }

  dispatch(bytes: Uint8Array, from: SocketAddress): void {
    const route = routePacket(bytes);
    if (route.form === 'malformed' || route.form === 'foreign') return;
    if ((route.type === MsgType.Source || route.type === MsgType.Sink) && route.id !== null) this.handlers.get(`${route.type}:${route.id}`)?.(bytes, from);
    else this.networkHandler?.(bytes, from);
  }
}

/** Atoms of a reply, numbers and strings as the host sees them. */
export function atomsOf(args: readonly OscArg[]): Atom[] {
  return args.map((a) => (a.type === 's' ? a.value : a.type === 'f' || a.type === 'i' || a.type === 'd' ? a.value : `?${a.type}`));
}

export interface Reply {
  readonly address: string;
  readonly atoms: Atom[];
}

/** A host object (what a Pd abstraction does), talking to the engine directly. */
export class SimHost {
  readonly replies: Reply[] = [];
  /** No heartbeats from this host in `SimEngine.run` (its Pd went away). */
  silent = false;

  constructor(
    private readonly sim: SimEngine,
    readonly connection: SocketAddress,
  ) {}

  send(address: string, atoms: readonly Atom[]): void {
    const args: OscArg[] = atoms.map((a) => (typeof a === 'number' ? { type: 'f', value: a } : { type: 's', value: a }));
    this.sendRaw(encodeOsc({ address, args }));
  }

  sendRaw(bytes: Uint8Array): void {
    this.sim.engine.handleControl(bytes, this.connection);
  }

  open(kind: StreamKind, channels: number, port: number, id: number, latencyMs?: number): void {
    this.send('/open', [kind, 48000, 64, channels, port, id, ...(latencyMs === undefined ? [] : [latencyMs])]);
  }

  /** `[aoo.client <port>]` or `[aoo.server <port>]`. */
  openNet(kind: NetKind, port: number): void {
    this.send('/open', [kind, port]);
  }

  block(tick: number, samples: Float32Array): void {
    this.send('/blk', [tick, ...samples]);
  }

  tick(tick: number): void {
    this.send('/tick', [tick]);
  }

  method(selector: string, ...args: Atom[]): void {
    this.methodAt(0, 0, selector, ...args);
  }

  methodAt(tick: number, offset: number, selector: string, ...args: Atom[]): void {
    this.send('/m', [tick, offset, selector, ...args]);
  }

  /** Removes and returns the replies with this address (all if none given). */
  take(address?: string): Reply[] {
    const taken: Reply[] = [];
    for (let i = 0; i < this.replies.length; ) {
      if (address === undefined || this.replies[i]!.address === address) taken.push(...this.replies.splice(i, 1));
      else i++;
    }
    return taken;
  }

  /** The events (`/ev`) taken, as "name arg arg…" lines. */
  events(): string[] {
    return this.take('/ev').map((r) => r.atoms.join(' '));
  }

  errors(): string[] {
    return this.take('/err').map((r) => r.atoms.join(' '));
  }
}

function encodeOsc(msg: OscMessage): Uint8Array {
  const r = encodeOscMessageToBytes(msg);
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

export class SimEngine {
  readonly udp = new SimUdp();
  readonly log: string[] = [];
  readonly engine: Engine;
  /** The AOO servers on the loopback network, by port. */
  readonly servers: SimServers;
  private readonly hosts = new Map<string, SimHost>();
  private nextHostPort = 50000;
  now = T0;

  constructor(seed = 1) {
    this.servers = new SimServers(this.udp, () => this.now);
    this.engine = new Engine({
      openPort: this.udp.open,
      connectTcp: this.servers.connect,
      openServer: this.servers.open,
      localAddresses: () => [],
      // The tests step time finely enough (run()).
      wakeAt: () => {},
      sendControl: (bytes, to) => {
        const r = decodeOscMessage(bytes);
        if (!r.ok) throw new Error(`engine sent a bad datagram: ${r.error.detail}`);
        this.hosts.get(addressKey(to))?.replies.push({ address: r.value.address, atoms: atomsOf(r.value.args) });
      },
      resolve: (host) => {
        if (host === 'localhost') return Promise.resolve(LOOPBACK);
        if (/^[\d.]+$/.test(host) || host.includes(':')) return host;
        return Promise.reject(new Error('unknown host'));
      },
      now: () => this.now,
      random: seededRandom(seed),
      log: (line) => this.log.push(line),
      pid: 4242,
    });
  }

  host(): SimHost {
    const h = new SimHost(this, { address: LOOPBACK, port: this.nextHostPort++ });
    this.hosts.set(addressKey(h.connection), h);
    return h;
  }

  /** Lets port openings, host-name lookups and /keep updates complete. */
  settle(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  advance(seconds: number): void {
    this.now += seconds;
    this.servers.tick();
    this.engine.timer();
  }

  /**
   * Runs for `seconds` in steps of `step`: the network delivered after each, promises settled,
   * and every host's heartbeat twice a second (as the Pd objects send it while their link is up).
   */
  async run(seconds: number, step = 0.01): Promise<void> {
    const steps = Math.round(seconds / step);
    for (let i = 1; i <= steps; i++) {
      this.advance(step);
      if (i % Math.max(1, Math.round(0.5 / step)) === 0) for (const h of this.hosts.values()) if (!h.silent) h.send('/hb', []);
      this.udp.deliver();
      await this.settle();
    }
  }
}
