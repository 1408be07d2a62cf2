/**
 * The client on real sockets: a TCP connection to the server, the shared UdpEndpoint of its
 * port (as its `networkHandler`), and the one timer that drives the sans-I/O core.
 *
 *   const client = new NodeClient(udp, { onEvent });
 *   await client.connect('aoo.iem.at', 7078);
 *   await client.joinGroup({ group: 'band', user: 'me' });
 *   const to = client.peerAddress('band', 'you');    // where their sources and sinks are
 *   source.addSink({ ...to, id: 1 });                 // after their PeerJoin event
 *   source.send(client.streamOut);                    // relayed peers get wrapped packets
 */
import { lookup } from 'node:dns/promises';
import { type Socket, connect as tcpConnect } from 'node:net';
import type { AooData } from '../../protocol/aoo/data.ts';
import { ntpFromUnixMs, ntpToSeconds } from '../../protocol/ntp.ts';
import type { Result } from '../../protocol/result.ts';
import type { PacketOut } from '../../stream/endpoint.ts';
import type { UdpAddress } from '../address.ts';
import type { PacketHandler, UdpEndpoint } from '../udp-endpoint.ts';
import { Client, type ClientOptions, type SendOptions } from './client.ts';
import type { ClientAction } from './outbox.ts';
import type { ConnectParams } from './server-session.ts';
import type { ClientEvent, ClientResponse, GroupInfo, PeerInfo, RequestKind } from './events.ts';
import type { JoinParams } from './group-directory.ts';
import { localAddresses } from './local-addresses.ts';
import type { MessageTarget } from './membership.ts';
import { ClientErrorCode, requestError } from './requests.ts';

export interface NodeClientOptions extends ClientOptions {
  /** Every event, request replies included. */
  readonly onEvent?: (e: ClientEvent) => void;
  /**
   * Source and sink packets that came through a relay, with the peer's own address as the
   * sender. Default: routed by the UdpEndpoint to the sources and sinks attached to it.
   */
  readonly onRelayedStreamPacket?: PacketHandler;
}

/** As for Client.connect, without the server (given by name); `localAddresses` defaults to this machine's. */
export type NodeConnectOptions = Omit<ConnectParams, 'server'>;

type ResultByKind = { [R in ClientResponse as R['request']]: R['result'] };
type ResultOf<K extends RequestKind> = ResultByKind[K];

/** Now, in seconds on the NTP timescale. */
function clientNow(): number {
  return ntpToSeconds(ntpFromUnixMs(performance.timeOrigin + performance.now()));
}

export class NodeClient {
  readonly core: Client;
  /** For Source.send / Sink.send on the same UdpEndpoint: wraps packets to relayed peers. */
  readonly streamOut: PacketOut;
  private socket: Socket | null = null;
  private readonly receive: PacketHandler = (bytes, from) => {
    this.core.handleUdp(bytes, from, clientNow());
    this.flush();
  };
  private timer: NodeJS.Timeout | undefined;
  private readonly waiting = new Map<number, (r: ClientResponse) => void>();

  constructor(
    private readonly udp: UdpEndpoint,
    private readonly options: NodeClientOptions = {},
  ) {
    this.core = new Client(options);
    this.streamOut = this.core.streamOut((bytes, to) => udp.send(bytes, to));
    udp.networkHandler = this.receive;
  }

  /** Resolves `host` (IPv4 preferred), then logs in. */
  async connect(host: string, port: number, o: NodeConnectOptions = {}): Promise<ResultOf<'connect'>> {
    const server = await resolveHost(host, this.options.ipv6 ?? true);
    if (server === null) return requestError(ClientErrorCode.BadArgument, `cannot resolve "${host}"`);
    return this.request('connect', (now) =>
      this.core.connect({ ...o, server: { address: server, port }, localAddresses: o.localAddresses ?? localAddresses(this.udp.port, this.options.ipv6 ?? true) }, now),
    );
  }

  disconnect(): void {
    this.core.disconnect();
    this.flush();
  }

  joinGroup(p: JoinParams): Promise<ResultOf<'group-join'>> {
    return this.request('group-join', (now) => this.core.joinGroup(p, now));
  }

  leaveGroup(group: string): Promise<ResultOf<'group-leave'>> {
    return this.request('group-leave', (now) => this.core.leaveGroup(group, now));
  }

  updateGroup(group: string, data: AooData): Promise<ResultOf<'group-update'>> {
    return this.request('group-update', (now) => this.core.updateGroup(group, data, now));
  }

  updateUser(group: string, data: AooData): Promise<ResultOf<'user-update'>> {
    return this.request('user-update', (now) => this.core.updateUser(group, data, now));
  }

  customRequest(data: AooData, flags = 0): Promise<ResultOf<'custom'>> {
    return this.request('custom', (now) => this.core.customRequest(data, flags, now));
  }

  sendMessage(target: MessageTarget, data: AooData, options: SendOptions = {}): Result<number, string> {
    const r = this.core.sendMessage(target, data, options, clientNow());
    this.flush();
    return r;
  }

  groups(): GroupInfo[] {
    return this.core.groups();
  }

  peers(): PeerInfo[] {
    return this.core.peers();
  }

  /** The socket address of a peer's sources and sinks (see Client.peerAddress). */
  peerAddress(group: string, user: string): UdpAddress | null {
    return this.core.peerAddress(group, user);
  }

  /** Disconnects and lets go of the UDP endpoint; pending requests fail. */
  close(): void {
    this.disconnect();
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.udp.networkHandler === this.receive) this.udp.networkHandler = null;
    this.socket?.destroy();
    this.socket = null;
  }

  private request<K extends RequestKind>(kind: K, start: (now: number) => number): Promise<ResultOf<K>> {
    const token = start(clientNow());
    const reply = new Promise<ClientResponse>((resolve) => this.waiting.set(token, resolve));
    this.flush();
    // Tokens are unique, so the reply is the one to a request of `kind`.
    return reply.then((r) => r.result as ResultOf<K>);
  }

  private flush(): void {
    for (const a of this.core.pollActions()) this.act(a);
    for (const e of this.core.pollEvents()) {
      if (e.type === 'Response') {
        this.waiting.get(e.token)?.(e.response);
        this.waiting.delete(e.token);
      }
      this.options.onEvent?.(e);
    }
    clearTimeout(this.timer);
    const wakeup = this.core.nextWakeup();
    if (Number.isFinite(wakeup)) {
      this.timer = setTimeout(() => {
        this.core.update(clientNow());
        this.flush();
      }, Math.max(0, (wakeup - clientNow()) * 1000));
    }
  }

  private act(a: ClientAction): void {
    switch (a.kind) {
      case 'udp':
        this.udp.send(a.bytes, a.to);
        return;
      case 'tcp-open':
        this.open(a.to);
        return;
      case 'tcp-send':
        this.socket?.write(a.bytes);
        return;
      case 'tcp-close': {
        // Forgotten first, so its 'close' event is not reported as a loss.
        const s = this.socket;
        this.socket = null;
        s?.destroy();
        return;
      }
      case 'deliver':
        (this.options.onRelayedStreamPacket ?? ((bytes, from) => this.udp.dispatch(bytes, from)))(a.bytes, a.from);
        return;
    }
  }

  private open(to: UdpAddress): void {
    const s = tcpConnect({ host: to.address, port: to.port });
    this.socket = s;
    s.setNoDelay(true);
    let failure = 'connection closed';
    const input = (run: (now: number) => void) => {
      if (this.socket !== s) return;
      run(clientNow());
      this.flush();
    };
    s.on('connect', () => input((now) => this.core.handleTcpOpen(now)));
    s.on('data', (chunk: Buffer) => input((now) => this.core.handleTcpData(chunk, now)));
    s.on('error', (e) => (failure = e.message));
    s.on('close', () =>
      input(() => {
        this.socket = null;
        this.core.handleTcpClosed(failure);
      }),
    );
  }
}

/** The first IPv4 address of `host`, else (if allowed) its first IPv6 one; null if it has none. */
async function resolveHost(host: string, ipv6: boolean): Promise<string | null> {
  try {
    const all = await lookup(host, { all: true });
    return (all.find((a) => a.family === 4) ?? (ipv6 ? all[0] : undefined))?.address ?? null;
  } catch {
    return null;
  }
}
