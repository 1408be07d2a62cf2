/**
 * An engine in simulated time: a fake loopback UDP network for its AOO ports and fake host
 * objects that talk the control protocol like the Pd abstractions do.
 */
import type { Atom, ObjectKind } from '../../src/engine/control-protocol.ts';
import { Engine } from '../../src/engine/engine.ts';
import type { NetworkPort, OpenPort, PacketHandler } from '../../src/engine/port-pool.ts';
import { addressKey } from '../../src/net/address.ts';
import type { MsgType } from '../../src/protocol/aoo/constants.ts';
import { routePacket } from '../../src/protocol/aoo/route.ts';
import { type OscArg, type OscMessage, decodeOscMessage, encodeOscMessageToBytes } from '../../src/protocol/osc/index.ts';
import type { SocketAddress } from '../../src/stream/endpoint.ts';
import { seededRandom } from '../../src/util/random.ts';

/** A wall time on the NTP timescale (2023). */
export const T0 = 3_900_000_000;
export const LOOPBACK = '127.0.0.1';

interface Datagram {
  readonly from: SocketAddress;
  readonly to: SocketAddress;
  readonly bytes: Uint8Array;
}

/** UDP on 127.0.0.1, delivered when the test calls `deliver()`. */
export class SimUdp {
  private readonly ports = new Map<number, SimPort>();
  private queue: Datagram[] = [];
  /** Ports "another program" holds: opening them fails. */
  readonly busy = new Set<number>();
  opened = 0;
  closed = 0;
  /** Drop every datagram whose bytes match (tests of loss). */
  drop: ((d: Datagram) => boolean) | null = null;

  readonly open: OpenPort = (port) => {
    if (this.ports.has(port) || this.busy.has(port)) return Promise.reject(new Error(`bind EADDRINUSE 0.0.0.0:${port}`));
    const p = new SimPort(this, port);
    this.ports.set(port, p);
    this.opened++;
    return Promise.resolve(p);
  };

  isOpen(port: number): boolean {
    return this.ports.has(port);
  }

  post(d: Datagram): void {
    this.queue.push({ ...d, bytes: d.bytes.slice() });
  }

  close(port: number): void {
    this.ports.delete(port);
    this.closed++;
  }

  /** Delivers queued datagrams, including the ones sent while delivering (bounded). */
  deliver(): number {
    let n = 0;
    for (let round = 0; round < 100 && this.queue.length > 0; round++) {
      const batch = this.queue;
      this.queue = [];
      for (const d of batch) {
        if (this.drop?.(d) === true) continue;
        this.ports.get(d.to.port)?.receive(d.bytes, d.from);
        n++;
      }
    }
    return n;
  }
}

class SimPort implements NetworkPort {
  private readonly handlers = new Map<string, PacketHandler>();

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

  receive(bytes: Uint8Array, from: SocketAddress): void {
    const route = routePacket(bytes);
    if (route.form === 'malformed' || route.form === 'foreign' || route.id === null) return;
    this.handlers.get(`${route.type}:${route.id}`)?.(bytes, from);
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

  open(kind: ObjectKind, channels: number, port: number, id: number, latencyMs?: number): void {
    this.send('/open', [kind, 48000, 64, channels, port, id, ...(latencyMs === undefined ? [] : [latencyMs])]);
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
  private readonly hosts = new Map<string, SimHost>();
  private nextHostPort = 50000;
  now = T0;

  constructor(seed = 1) {
    this.engine = new Engine({
      openPort: this.udp.open,
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
    this.engine.timer();
  }
}
