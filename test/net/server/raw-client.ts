import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type Socket, connect } from 'node:net';
import type { UdpAddress } from '../../../src/net/address.ts';
import type { AooMessage } from '../../../src/protocol/aoo/messages.ts';
import { TcpReassembler, isTcpFrameError } from '../../../src/protocol/aoo/tcp-framing.ts';
import { decode, encode, framed } from './harness.ts';

const WAIT_MS = 5000;

/** Waits until `take()` returns something, polling on every `wake` call; rejects after WAIT_MS. */
class Waiter {
  private waiting: (() => void)[] = [];
  wake(): void {
    for (const w of this.waiting.splice(0)) w();
  }
  until<T>(take: () => T | undefined, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
      const check = () => {
        const v = take();
        if (v === undefined) this.waiting.push(check);
        else {
          clearTimeout(timer);
          resolve(v);
        }
      };
      check();
    });
  }
}

/** A TCP connection that speaks raw AOO frames, with the protocol encoders only. */
export class RawTcpClient {
  readonly messages: AooMessage[] = [];
  closed = false;
  private readonly frames = new TcpReassembler();
  private readonly waiter = new Waiter();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(chunk);
      for (const f of this.frames) if (!isTcpFrameError(f)) this.messages.push(decode(f));
      this.waiter.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter.wake();
    });
    socket.on('error', () => {});
  }

  static connect(host: string, port: number): Promise<RawTcpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new RawTcpClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get localAddress(): string {
    return this.socket.localAddress!;
  }

  send(m: AooMessage): void {
    this.socket.write(framed(encode(m)));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The first message of `kind` not taken yet (it and the messages before it are taken). */
  next<K extends AooMessage['kind']>(kind: K): Promise<Extract<AooMessage, { kind: K }>> {
    return this.waiter.until(() => {
      const i = this.messages.findIndex((m) => m.kind === kind);
      return i < 0 ? undefined : this.messages.splice(0, i + 1)[i]!;
    }, kind) as Promise<Extract<AooMessage, { kind: K }>>;
  }

  whenClosed(): Promise<true> {
    return this.waiter.until(() => (this.closed ? true : undefined), 'close');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A UDP socket that collects what it receives. */
export class RawUdpSocket {
  readonly received: { bytes: Uint8Array; from: UdpAddress }[] = [];
  private readonly waiter = new Waiter();

  private constructor(private readonly socket: UdpSocket) {
    socket.on('message', (msg, r) => {
      this.received.push({ bytes: new Uint8Array(msg), from: { address: r.address, port: r.port } });
      this.waiter.wake();
    });
  }

  static open(host: string): Promise<RawUdpSocket> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    return new Promise((resolve) => socket.bind(0, host, () => resolve(new RawUdpSocket(socket))));
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(bytes: Uint8Array, host: string, port: number): void {
    this.socket.send(bytes, port, host);
  }

  /** The next datagram not taken yet. */
  next(): Promise<{ bytes: Uint8Array; from: UdpAddress }> {
    return this.waiter.until(() => this.received.shift(), 'a datagram');
  }

  close(): void {
    this.socket.close();
  }
}
