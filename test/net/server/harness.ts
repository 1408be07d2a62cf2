import { strict as assert } from 'node:assert';
import type { UdpAddress } from '../../../src/net/address.ts';
import { ServerCore } from '../../../src/net/server/core.ts';
import type { ServerOptions } from '../../../src/net/server/context.ts';
import type { LogRecord, ServerEvent } from '../../../src/net/server/events.ts';
import type { ServerOutput } from '../../../src/net/server/output.ts';
import { hashPassword } from '../../../src/net/password.ts';
import { AOO_VERSION } from '../../../src/protocol/aoo/constants.ts';
import type { AooData, IpEndpoint } from '../../../src/protocol/aoo/data.ts';
import { type AooMessage, decodeAoo, encodeAooToBytes } from '../../../src/protocol/aoo/messages.ts';
import { TCP_PREFIX_SIZE } from '../../../src/protocol/aoo/tcp-framing.ts';

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const json = (s: string): AooData => ({ type: 5, bytes: text(s) });

export function encode(m: AooMessage): Uint8Array {
  const r = encodeAooToBytes(m);
  assert.ok(r.ok, r.ok ? '' : r.error.detail);
  return r.value;
}

export function decode(bytes: Uint8Array): AooMessage {
  const r = decodeAoo(bytes);
  assert.ok(r.ok, r.ok ? '' : `${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

/** `bytes` with the 4-byte big-endian length prefix. */
export function framed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(TCP_PREFIX_SIZE + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, TCP_PREFIX_SIZE);
  return out;
}

export interface LoginOptions {
  readonly remote?: UdpAddress;
  readonly password?: string;
  readonly version?: string;
  readonly addresses?: readonly IpEndpoint[];
  readonly metadata?: AooData | null;
}

export interface JoinOptions {
  readonly groupPassword?: string;
  readonly userPassword?: string;
  readonly groupMetadata?: AooData | null;
  readonly userMetadata?: AooData | null;
  readonly relay?: IpEndpoint | null;
}

/**
 * A ServerCore in simulated time with scripted clients: messages in, decoded replies out per
 * client. Every output is kept, in order, so tests can check sequences across clients.
 */
export class CoreHarness {
  readonly core: ServerCore;
  now = 0;
  readonly outputs: ServerOutput[] = [];
  private nextPort = 40000;
  private token = 100;
  /** How many outputs of each client were already taken with received(). */
  private readonly taken = new Map<number, number>();

  constructor(options: Partial<ServerOptions> = {}) {
    this.core = new ServerCore({ port: 7078, ...options });
  }

  /** Takes the core's outputs; call after using `core` directly. */
  collect(): void {
    this.outputs.push(...this.core.poll());
  }

  connect(remote: UdpAddress = { address: '127.0.0.1', port: this.nextPort++ }): number {
    const id = this.core.accept(remote, this.now);
    this.collect();
    return id;
  }

  sendBytes(id: number, bytes: Uint8Array): void {
    this.core.receiveTcp(id, bytes, this.now);
    this.collect();
  }

  send(id: number, m: AooMessage): void {
    this.sendBytes(id, framed(encode(m)));
  }

  disconnect(id: number): void {
    this.core.disconnected(id, this.now);
    this.collect();
  }

  /** Feeds a datagram; returns the datagrams the server sent in response. */
  udp(bytes: Uint8Array | AooMessage, from: UdpAddress): { to: UdpAddress; bytes: Uint8Array }[] {
    const start = this.outputs.length;
    this.core.receiveUdp(bytes instanceof Uint8Array ? bytes : encode(bytes), from, this.now);
    this.collect();
    return this.outputs.slice(start).flatMap((o) => (o.type === 'udp' ? [{ to: o.to, bytes: o.bytes }] : []));
  }

  /** Runs timers up to `now + seconds`, waking the core whenever it asks. */
  advance(seconds: number): void {
    const end = this.now + seconds;
    for (let i = 0; i < 100_000; i++) {
      const next = this.core.nextWakeup();
      if (next > end) break;
      this.now = Math.max(this.now, next);
      this.core.tick(this.now);
      this.collect();
    }
    this.now = end;
  }

  /** Decoded messages sent to client `id` since the last call. */
  received(id: number): AooMessage[] {
    const all = this.outputs.filter((o) => o.type === 'tcp' && o.client === id);
    const from = this.taken.get(id) ?? 0;
    this.taken.set(id, all.length);
    return all.slice(from).map((o) => {
      const bytes = (o as { bytes: Uint8Array }).bytes;
      assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0), bytes.length - TCP_PREFIX_SIZE, 'length prefix');
      return decode(bytes.subarray(TCP_PREFIX_SIZE));
    });
  }

  /** Kinds of the messages received since the last call, heartbeats left out. */
  kinds(id: number): string[] {
    return this.received(id)
      .map((m) => m.kind)
      .filter((k) => k !== 'client/ping' && k !== 'client/pong');
  }

  isClosed(id: number): boolean {
    return this.outputs.some((o) => o.type === 'close' && o.client === id);
  }

  events(): ServerEvent[] {
    return this.outputs.flatMap((o) => (o.type === 'event' ? [o.event] : []));
  }

  logs(): LogRecord[] {
    return this.outputs.flatMap((o) => (o.type === 'log' ? [o.record] : []));
  }

  /** Connects and logs in; asserts success and returns the client ID. The ping and the reply are taken. */
  login(options: LoginOptions = {}): number {
    const remote = options.remote ?? { address: '127.0.0.1', port: this.nextPort++ };
    const id = this.connect(remote);
    this.send(id, {
      kind: 'server/login',
      token: this.token++,
      version: options.version ?? AOO_VERSION,
      password: hashPassword(options.password ?? ''),
      metadata: options.metadata ?? null,
      addresses: options.addresses ?? [{ host: remote.address, port: remote.port }],
    });
    const reply = this.received(id).find((m) => m.kind === 'client/login');
    assert.ok(reply?.kind === 'client/login' && reply.result.ok, `login failed: ${JSON.stringify(reply)}`);
    return id;
  }

  /** Messages sent to client `id` from output index `start` on, without taking them. */
  private peek(id: number, start: number): AooMessage[] {
    return this.outputs.slice(start).flatMap((o) => (o.type === 'tcp' && o.client === id ? [decode(o.bytes.subarray(TCP_PREFIX_SIZE))] : []));
  }

  /** Sends a join request; returns the reply's result. The messages stay for received(). */
  join(id: number, group: string, user: string, options: JoinOptions = {}) {
    const token = this.token++;
    const start = this.outputs.length;
    this.send(id, {
      kind: 'server/group/join',
      token,
      groupName: group,
      groupPassword: hashPassword(options.groupPassword ?? ''),
      groupMetadata: options.groupMetadata ?? null,
      userName: user,
      userPassword: hashPassword(options.userPassword ?? ''),
      userMetadata: options.userMetadata ?? null,
      relay: options.relay ?? null,
    });
    const reply = this.peek(id, start).find((m) => m.kind === 'client/group/join');
    assert.ok(reply?.kind === 'client/group/join' && reply.token === token, 'no join reply');
    return reply.result;
  }

  /** Joins and asserts success; returns the user ID. */
  joined(id: number, group: string, user: string, options: JoinOptions = {}): { groupId: number; userId: number } {
    const r = this.join(id, group, user, options);
    assert.ok(r.ok, `join failed with ${r.ok ? '' : r.code}`);
    return { groupId: r.groupId, userId: r.userId };
  }
}
