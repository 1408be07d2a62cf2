/**
 * Runs the sans-I/O AOO Client on injected I/O: its port's UDP socket, a TCP connection to
 * the server made through `connectTcp`, and wakeups requested from the engine. It is the
 * engine's counterpart of NodeClient (which owns real sockets and timers), so that the
 * engine's client runs in simulated time as well.
 */
import type { UdpAddress } from '../net/address.ts';
import { Client, type ClientOptions } from '../net/client/client.ts';
import type { ClientEvent, ClientResponse, RequestKind } from '../net/client/events.ts';
import type { ClientAction } from '../net/client/outbox.ts';
import type { RequestError } from '../protocol/aoo/client/reply.ts';
import { AooErrorCode } from '../protocol/aoo/constants.ts';
import type { PacketOut } from '../stream/endpoint.ts';
import type { ConnectTcp, TcpConnection } from './net-io.ts';

/** What the client reports by itself (everything but the replies to requests). */
export type ClientNotice = Exclude<ClientEvent, { readonly type: 'Response' }>;

type ResultByKind = { [R in ClientResponse as R['request']]: R['result'] };
export type ResultOf<K extends RequestKind> = ResultByKind[K];

export interface ClientIo {
  /** Wall time, seconds on the NTP timescale. */
  readonly now: () => number;
  /** A datagram out of the client's UDP port. */
  readonly udp: PacketOut;
  /** A source or sink packet that came through a relay: route it on the port as if it came from `from`. */
  readonly deliver: (bytes: Uint8Array, from: UdpAddress) => void;
  readonly connectTcp: ConnectTcp;
  /** Call `update()` again no later than `time` (Infinity: nothing to do). */
  readonly wake: (time: number) => void;
  readonly notice: (e: ClientNotice) => void;
  /** An exception escaped while handling TCP input (a bug): reported, never thrown into the I/O layer. */
  readonly fault: (e: unknown) => void;
}

/** "error 1004 (WrongPassword): …". */
export function requestFailure(e: RequestError): string {
  const name = AooErrorCode[e.code];
  return `error ${e.code}${name === undefined ? '' : ` (${name})`}${e.message === '' ? '' : `: ${e.message}`}`;
}

export class ClientDriver {
  private client: Client;
  private out: PacketOut;
  private tcp: TcpConnection | null = null;
  private readonly waiting = new Map<number, (r: ClientResponse) => void>();

  /** For the port's sources and sinks: packets to relayed peers go through their relay. */
  readonly streamOut: PacketOut = (bytes, to) => this.out(bytes, to);

  constructor(
    private readonly io: ClientIo,
    options: ClientOptions,
  ) {
    this.client = new Client(options);
    this.out = this.client.streamOut(io.udp);
  }

  get core(): Client {
    return this.client;
  }

  /** A new Client with other options; only while not connected (the old one is dropped). */
  reconfigure(options: ClientOptions): void {
    this.client = new Client(options);
    this.out = this.client.streamOut(this.io.udp);
  }

  /**
   * Starts a request; `done` gets its reply (every request gets one: a result, an error or a
   * timeout) as soon as it comes, before the events that came with it, so the patch sees
   * `group_join` before the peers of the group. Resolves with what `done` returned.
   */
  request<K extends RequestKind, T>(kind: K, start: (client: Client, now: number) => number, done: (result: ResultOf<K>) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      // Tokens are unique, so the reply is the one to a request of `kind`.
      this.waiting.set(start(this.client, this.io.now()), (r) => resolve(done(r.result as ResultOf<K>)));
      this.flush();
    });
  }

  /** Runs something on the client (send a message, disconnect) and carries out what follows. */
  run<T>(action: (client: Client, now: number) => T): T {
    const result = action(this.client, this.io.now());
    this.flush();
    return result;
  }

  /** A datagram for the client from its port (anything not for a source or sink there). */
  receive(bytes: Uint8Array, from: UdpAddress): void {
    this.run((c, now) => c.handleUdp(bytes, from, now));
  }

  /** Timers: pings, handshakes, resends, request timeouts. */
  update(): void {
    const now = this.io.now();
    if (now >= this.client.nextWakeup()) this.client.update(now);
    this.flush();
  }

  /** Disconnects; pending requests fail. */
  close(): void {
    this.run((c) => c.disconnect());
  }

  private flush(): void {
    for (const a of this.client.pollActions()) this.act(a);
    for (const e of this.client.pollEvents()) {
      if (e.type !== 'Response') {
        this.io.notice(e);
        continue;
      }
      const resolve = this.waiting.get(e.token);
      this.waiting.delete(e.token);
      resolve?.(e.response);
    }
    this.io.wake(this.client.nextWakeup());
  }

  private act(a: ClientAction): void {
    switch (a.kind) {
      case 'udp':
        this.io.udp(a.bytes, a.to);
        return;
      case 'tcp-open':
        this.open(a.to);
        return;
      case 'tcp-send':
        this.tcp?.write(a.bytes);
        return;
      case 'tcp-close': {
        // Forgotten first, so that its closing is not reported as a loss.
        const tcp = this.tcp;
        this.tcp = null;
        tcp?.close();
        return;
      }
      case 'deliver':
        this.io.deliver(a.bytes, a.from);
        return;
    }
  }

  private open(to: UdpAddress): void {
    let connection: TcpConnection | null = null;
    const input = (run: (now: number) => void) => {
      if (connection === null || this.tcp !== connection) return;
      try {
        run(this.io.now());
        this.flush();
      } catch (e) {
        this.io.fault(e);
      }
    };
    connection = this.io.connectTcp(to, {
      open: () => input((now) => this.client.handleTcpOpen(now)),
      data: (chunk) => input((now) => this.client.handleTcpData(chunk, now)),
      closed: (detail) =>
        input(() => {
          this.tcp = null;
          this.client.handleTcpClosed(detail);
        }),
    });
    this.tcp = connection;
  }
}
