import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { MsgType } from '../protocol/aoo/constants.ts';
import { routePacket } from '../protocol/aoo/route.ts';
import { type UdpAddress, unmapAddress } from './address.ts';

/** Receives the datagrams routed to one AOO object (a source, a sink or a client). */
export type PacketHandler = (bytes: Uint8Array, from: UdpAddress) => void;

/** Why a datagram was not delivered; each is counted and reported once. */
export type DropReason = 'malformed' | 'foreign' | 'no-such-object';

/**
 * One UDP socket on one port, shared by every source, sink and client that names the port
 * (spec §1.4). IPv4 and IPv6 (dual stack). Bad or unroutable datagrams are counted and
 * reported once per reason, never thrown.
 */
export class UdpEndpoint {
  private readonly socket: Socket;
  private readonly ipv6: boolean;
  private readonly handlers = new Map<string, PacketHandler>();
  private readonly reported = new Set<DropReason>();
  /** Handler for traffic that is not for a source or sink: client, peer, relay, server. */
  networkHandler: PacketHandler | null = null;
  readonly drops: Record<DropReason, number> = { malformed: 0, foreign: 0, 'no-such-object': 0 };
  received = 0;
  sent = 0;

  private constructor(
    socket: Socket,
    private readonly report: (reason: DropReason, detail: string) => void,
  ) {
    this.socket = socket;
    // Read once: socket.address() is a syscall, and send() runs for every datagram.
    this.ipv6 = socket.address().family === 'IPv6';
    socket.on('message', (msg: Buffer, r: RemoteInfo) =>
      this.dispatch(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), { address: unmapAddress(r.address), port: r.port }),
    );
  }

  /** Binds `port` (0 = any) on `host` (default: all interfaces, IPv4 and IPv6). */
  static open(port: number, host: string | undefined, report: (reason: DropReason, detail: string) => void): Promise<UdpEndpoint> {
    const ipv4 = host !== undefined && !host.includes(':');
    const socket = createSocket({ type: ipv4 ? 'udp4' : 'udp6', ipv6Only: false, recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', (e) => report('malformed', `socket error: ${e.message}`));
        resolve(new UdpEndpoint(socket, report));
      });
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Routes packets for (type, id) — a source (MsgType.Source) or a sink (MsgType.Sink) — to `handler`. */
  attach(type: MsgType.Source | MsgType.Sink, id: number, handler: PacketHandler): void {
    this.handlers.set(`${type}:${id}`, handler);
  }

  detach(type: MsgType.Source | MsgType.Sink, id: number): void {
    this.handlers.delete(`${type}:${id}`);
  }

  get objectCount(): number {
    return this.handlers.size + (this.networkHandler === null ? 0 : 1);
  }

  /** Sends a copy of `bytes`: dgram sends later, and callers reuse their buffers. */
  send(bytes: Uint8Array, to: UdpAddress): void {
    this.sent++;
    const host = this.ipv6 && !to.address.includes(':') ? `::ffff:${to.address}` : to.address;
    this.socket.send(Buffer.from(bytes), to.port, host);
  }

  close(): void {
    this.socket.close();
  }

  /** Routes one datagram as if it came from `from` (spec §1.4); the client feeds it source/sink packets unwrapped from a relay. */
  dispatch(bytes: Uint8Array, from: UdpAddress): void {
    this.received++;
    const route = routePacket(bytes);
    if (route.form === 'malformed' || route.form === 'foreign') {
      this.drop(route.form, route.form === 'malformed' ? route.detail : `${bytes.length} bytes from ${from.address}:${from.port}`);
      return;
    }
    if ((route.type === MsgType.Source || route.type === MsgType.Sink) && route.id !== null) {
      const handler = this.handlers.get(`${route.type}:${route.id}`);
      if (handler === undefined) this.drop('no-such-object', `${route.type === MsgType.Source ? 'source' : 'sink'} ${route.id}`);
      else handler(bytes, from);
      return;
    }
    if (this.networkHandler === null) this.drop('no-such-object', `message type ${MsgType[route.type]}`);
    else this.networkHandler(bytes, from);
  }

  private drop(reason: DropReason, detail: string): void {
    this.drops[reason]++;
    if (this.reported.has(reason)) return;
    this.reported.add(reason);
    this.report(reason, detail);
  }
}
