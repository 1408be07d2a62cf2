/**
 * Clients and a real ServerCore in simulated time: UDP through a SimNetwork (loss, jitter,
 * blocked paths), TCP as an in-order link with a fixed latency.
 */
import { strict as assert } from 'node:assert';
import { type UdpAddress, formatAddress, parseHostPort } from '../../../../src/net/address.ts';
import { Client, type ClientOptions } from '../../../../src/net/client/client.ts';
import type { ClientEvent } from '../../../../src/net/client/events.ts';
import type { ServerOptions } from '../../../../src/net/server/context.ts';
import { DataType } from '../../../../src/protocol/aoo/constants.ts';
import { ServerCore } from '../../../../src/net/server/core.ts';
import { seededRandom } from '../../../../src/util/random.ts';
import { SimClock } from '../../../support/sim/clock.ts';
import { type LinkConfig, SimNetwork } from '../../../support/sim/network.ts';
import { runUntil } from '../../../support/sim/run-loop.ts';

/** Seconds on the NTP timescale where every simulation starts (2023). */
export const T0 = 3_900_000_000;
const TCP_LATENCY = 0.01;

export function udpAddress(text: string): UdpAddress {
  const hp = parseHostPort(text);
  assert.ok(hp, text);
  return { address: hp.host, port: hp.port };
}

/** One client in the world, with everything it reported. */
export class SimClient {
  readonly client: Client;
  readonly events: ClientEvent[] = [];
  /** Source/sink packets that came through a relay. */
  readonly delivered: { bytes: Uint8Array; from: UdpAddress }[] = [];
  /** The server's ID of the open TCP connection. */
  connectionId: number | null = null;

  constructor(
    readonly name: string,
    readonly address: UdpAddress,
    options: ClientOptions,
  ) {
    this.client = new Client(options);
  }

  get key(): string {
    return formatAddress(this.address);
  }

  /** Events of one type, in order. */
  eventsOf<T extends ClientEvent['type']>(type: T): Extract<ClientEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ClientEvent, { type: T }> => e.type === type);
  }

  /** The reply to the request with `token`. */
  response(token: number): Extract<ClientEvent, { type: 'Response' }>['response'] | undefined {
    return this.eventsOf('Response').find((e) => e.token === token)?.response;
  }
}

interface Scheduled {
  readonly time: number;
  readonly order: number;
  readonly run: (now: number) => void;
}

/** A one-way link setting between two clients, by name. */
export interface LinkRule {
  readonly from: string;
  readonly to: string;
  readonly config: LinkConfig;
}

/** Both directions between `a` and `b` lose every datagram. */
export function cut(a: string, b: string): LinkRule[] {
  return [
    { from: a, to: b, config: { loss: 1 } },
    { from: b, to: a, config: { loss: 1 } },
  ];
}

export interface GroupOptions extends WorldOptions {
  /** Set before anyone connects. */
  readonly links?: readonly LinkRule[];
  readonly clientOptions?: Readonly<Record<string, ClientOptions>>;
}

/**
 * A world whose clients, at 10.0.0.1, 10.0.0.2, … port 9000, have logged in and joined group
 * "grp" under their names with user metadata {"name":"<name>"}. Handshakes may still be running.
 */
export function groupWorld(names: readonly string[], options: GroupOptions = {}): { w: SimWorld; clients: SimClient[] } {
  const w = new SimWorld(options);
  const clients = names.map((n, i) => w.addClient(n, `10.0.0.${i + 1}:9000`, options.clientOptions?.[n]));
  const key = (name: string) => clients[names.indexOf(name)]!.key;
  for (const rule of options.links ?? []) w.net.setLink(key(rule.from), key(rule.to), rule.config);
  for (const c of clients) {
    assert.equal(w.connect(c).result.ok, true, `${c.name} connects`);
    const metadata = { type: DataType.Json, bytes: new TextEncoder().encode(`{"name":"${c.name}"}`) };
    const r = w.request(c, (now) => c.client.joinGroup({ group: 'grp', user: c.name, userMetadata: metadata }, now));
    assert.equal(r.result.ok, true, `${c.name} joins`);
  }
  return { w, clients };
}

/** Names of the peers `c` completed a handshake with, sorted. */
export function joinedPeers(c: SimClient): string[] {
  return c.eventsOf('PeerJoin').map((e) => e.peer.userName).sort();
}

export interface WorldOptions {
  readonly seed?: number;
  /** Default config of every UDP link. */
  readonly link?: LinkConfig;
  readonly server?: Omit<ServerOptions, 'port'>;
}

export class SimWorld {
  readonly clock = new SimClock();
  readonly net: SimNetwork;
  readonly server: ServerCore;
  readonly serverAddress = udpAddress('10.0.0.100:7078');
  readonly clients: SimClient[] = [];
  private scheduled: Scheduled[] = [];
  private order = 0;
  private readonly byConnection = new Map<number, SimClient>();

  constructor(options: WorldOptions = {}) {
    this.clock.advanceTo(T0);
    this.net = new SimNetwork({ random: seededRandom(options.seed ?? 1), link: options.link ?? { latency: 0.005 } });
    this.server = new ServerCore({ port: this.serverAddress.port, ...options.server });
  }

  get now(): number {
    return this.clock.now;
  }

  addClient(name: string, address: string, options: ClientOptions = {}): SimClient {
    const c = new SimClient(name, udpAddress(address), options);
    this.clients.push(c);
    return c;
  }

  /** Carries out what the test just asked of the clients, then runs for `seconds` of simulated time. */
  run(seconds: number): void {
    this.flush();
    runUntil({ clock: this.clock, network: this.net, participants: [this], until: this.clock.now + seconds });
  }

  /** Runs until `done()` holds (checked every 10 ms); fails after `maxSeconds`. */
  runUntilTrue(done: () => boolean, maxSeconds: number, what = 'condition'): void {
    const end = this.clock.now + maxSeconds;
    while (!done()) {
      assert.ok(this.clock.now < end, `${what} not reached within ${maxSeconds} s`);
      this.run(0.01);
    }
  }

  /** Connects a client and waits for the reply; returns it. */
  connect(c: SimClient, password = ''): Extract<ClientEvent, { type: 'Response' }>['response'] {
    const token = c.client.connect({ server: this.serverAddress, password }, this.now);
    this.runUntilTrue(() => c.response(token) !== undefined, 30, `${c.name} connect reply`);
    return c.response(token)!;
  }

  /** Runs `request(now)` on a client, waits for its reply and returns it. */
  request(c: SimClient, request: (now: number) => number): Extract<ClientEvent, { type: 'Response' }>['response'] {
    const token = request(this.now);
    this.runUntilTrue(() => c.response(token) !== undefined, 30, `${c.name} reply to request ${token}`);
    return c.response(token)!;
  }

  // ---- Participant

  nextWakeup(): number {
    let t = Math.min(this.scheduled[0]?.time ?? Infinity, this.server.nextWakeup());
    for (const c of this.clients) t = Math.min(t, c.client.nextWakeup());
    return t;
  }

  step(now: number): void {
    while (this.scheduled.length > 0 && this.scheduled[0]!.time <= now) this.scheduled.shift()!.run(now);
    for (const d of this.net.receive(formatAddress(this.serverAddress), now)) this.server.receiveUdp(d.bytes, udpAddress(d.from), now);
    if (now >= this.server.nextWakeup()) this.server.tick(now);
    for (const c of this.clients) {
      for (const d of this.net.receive(c.key, now)) c.client.handleUdp(d.bytes, udpAddress(d.from), now);
      c.client.update(now);
    }
    this.flush();
  }

  /** Carries out everything the server and the clients want done, until nothing is left. */
  flush(): void {
    const now = this.clock.now;
    for (let busy = true; busy; ) {
      busy = false;
      for (const o of this.server.poll()) {
        busy = true;
        if (o.type === 'udp') this.net.send(formatAddress(this.serverAddress), formatAddress(o.to), o.bytes, now);
        else if (o.type === 'tcp') this.toClient(o.client, (c, t) => c.client.handleTcpData(o.bytes, t));
        else if (o.type === 'close') this.toClient(o.client, (c) => this.closed(c, 'closed by the server'));
      }
      for (const c of this.clients) {
        c.events.push(...c.client.pollEvents());
        for (const a of c.client.pollActions()) {
          busy = true;
          this.act(c, a, now);
        }
      }
    }
  }

  private act(c: SimClient, a: ReturnType<Client['pollActions']>[number], now: number): void {
    switch (a.kind) {
      case 'udp':
        this.net.send(c.key, formatAddress(a.to), a.bytes, now);
        return;
      case 'tcp-open':
        assert.deepEqual(a.to, this.serverAddress);
        this.at(now + TCP_LATENCY, (t) => {
          const id = this.server.accept({ address: c.address.address, port: 40000 + this.clients.indexOf(c) }, t);
          c.connectionId = id;
          this.byConnection.set(id, c);
          this.at(t + TCP_LATENCY, (t2) => c.client.handleTcpOpen(t2));
        });
        return;
      case 'tcp-send': {
        const id = c.connectionId;
        if (id !== null) this.at(now + TCP_LATENCY, (t) => this.server.receiveTcp(id, a.bytes, t));
        return;
      }
      case 'tcp-close': {
        const id = c.connectionId;
        c.connectionId = null;
        if (id !== null) this.at(now + TCP_LATENCY, (t) => this.server.disconnected(id, t));
        return;
      }
      case 'deliver':
        c.delivered.push({ bytes: a.bytes, from: a.from });
        return;
    }
  }

  private toClient(id: number, run: (c: SimClient, now: number) => void): void {
    const c = this.byConnection.get(id);
    if (c !== undefined) this.at(this.clock.now + TCP_LATENCY, (t) => c.connectionId === id && run(c, t));
  }

  private closed(c: SimClient, detail: string): void {
    c.connectionId = null;
    c.client.handleTcpClosed(detail);
  }

  private at(time: number, run: (now: number) => void): void {
    this.scheduled.push({ time, order: this.order++, run });
    this.scheduled.sort((a, b) => a.time - b.time || a.order - b.order);
  }
}
