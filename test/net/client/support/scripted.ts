/** One Client driven by hand: the test plays the server with captured or freshly encoded messages. */
import { strict as assert } from 'node:assert';
import type { UdpAddress } from '../../../../src/net/address.ts';
import { Client, type ClientOptions } from '../../../../src/net/client/client.ts';
import type { ClientEvent } from '../../../../src/net/client/events.ts';
import type { ClientAction } from '../../../../src/net/client/outbox.ts';
import type { ClientMessage } from '../../../../src/protocol/aoo/client/index.ts';
import { decodeAoo, encodeAooToBytes } from '../../../../src/protocol/aoo/messages.ts';
import { TCP_PREFIX_SIZE, frameTcpMessage } from '../../../../src/protocol/aoo/tcp-framing.ts';
import { hex } from '../../../support/vectors.ts';

/** `bytes` with its TCP length prefix. */
export function tcpFrame(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(TCP_PREFIX_SIZE + bytes.length);
  frameTcpMessage(bytes, out, 0);
  return out;
}

export function encoded(m: ClientMessage): Uint8Array {
  const r = encodeAooToBytes(m);
  assert.ok(r.ok);
  return r.value;
}

/** A short text of an action, for exact sequence comparisons: "udp 127.0.0.1:17000 /aoo/server/query". */
export function describeAction(a: ClientAction): string {
  const what = (bytes: Uint8Array) => {
    const r = decodeAoo(bytes);
    return r.ok ? r.value.kind : `? ${hex(bytes)}`;
  };
  switch (a.kind) {
    case 'udp':
      return `udp ${a.to.address}:${a.to.port} ${what(a.bytes)}`;
    case 'tcp-open':
      return `tcp-open ${a.to.address}:${a.to.port}`;
    case 'tcp-send':
      return `tcp ${what(a.bytes.subarray(TCP_PREFIX_SIZE))}`;
    case 'tcp-close':
      return 'tcp-close';
    case 'deliver':
      return `deliver ${a.from.address}:${a.from.port} ${what(a.bytes)}`;
  }
}

export class ScriptedClient {
  readonly client: Client;
  now: number;
  readonly events: ClientEvent[] = [];

  constructor(start: number, options: ClientOptions = {}) {
    this.client = new Client(options);
    this.now = start;
  }

  /** Actions since the last call; events are collected. */
  actions(): ClientAction[] {
    this.events.push(...this.client.pollEvents());
    return this.client.pollActions();
  }

  /** The payload of every TCP frame sent since the last call (prefix checked and removed). */
  tcpSent(): Uint8Array[] {
    return this.actions().map((a) => {
      assert.equal(a.kind, 'tcp-send', `expected only TCP sends, got ${describeAction(a)}`);
      const bytes = (a as Extract<ClientAction, { kind: 'tcp-send' }>).bytes;
      assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0), bytes.length - TCP_PREFIX_SIZE);
      return bytes.subarray(TCP_PREFIX_SIZE);
    });
  }

  /** Delivers a server message over TCP, split across two segments to exercise reassembly. */
  fromServer(payload: Uint8Array): void {
    const frame = tcpFrame(payload);
    const cut = Math.floor(frame.length / 2);
    this.client.handleTcpData(frame.subarray(0, cut), this.now);
    this.client.handleTcpData(frame.subarray(cut), this.now);
  }

  udp(bytes: Uint8Array, from: UdpAddress): void {
    this.client.handleUdp(bytes, from, this.now);
  }

  /** Moves time forward, running the client at each of its wakeups on the way. */
  advance(seconds: number): void {
    const end = this.now + seconds;
    for (let i = 0; i < 100000; i++) {
      const t = this.client.nextWakeup();
      if (t > end) {
        this.now = end;
        return;
      }
      this.now = Math.max(this.now, t);
      this.client.update(this.now);
    }
    assert.fail('advance: too many wakeups');
  }

  eventsOf<T extends ClientEvent['type']>(type: T): Extract<ClientEvent, { type: T }>[] {
    this.events.push(...this.client.pollEvents());
    return this.events.filter((e): e is Extract<ClientEvent, { type: T }> => e.type === type);
  }

  lastResponse(): Extract<ClientEvent, { type: 'Response' }> {
    const r = this.eventsOf('Response').at(-1);
    assert.ok(r, 'no response');
    return r;
  }
}
