import { strict as assert } from 'node:assert';
import { DataType } from '../../../src/protocol/aoo/constants.ts';
import { encodeAooToBytes } from '../../../src/protocol/aoo/messages.ts';
import { wrapForRelay } from '../../../src/protocol/aoo/relay.ts';
import { seededRandom } from '../../../src/util/random.ts';
import { fuzzInputs } from '../../support/fuzz-inputs.ts';
import { readVector } from '../../support/vectors.ts';
import { ScriptedClient, describeAction, encoded, tcpFrame } from './support/scripted.ts';

const T0 = 3_900_000_000;
const server = { address: '10.0.0.100', port: 7078 };
const bob = { address: '10.0.0.2', port: 9000 };
const text = (s: string) => ({ type: DataType.Text, bytes: new TextEncoder().encode(s) });

/** Logged in, in group 0 as user 0, with bob (user 1) announced and connected. */
function aliceWithBob(addresses = [{ host: bob.address, port: bob.port }]): ScriptedClient {
  const a = new ScriptedClient(T0);
  const login = a.client.connect({ server }, a.now);
  a.udp(encoded({ kind: 'client/query', publicAddress: { host: '10.0.0.1', port: 9000 } }), server);
  a.client.handleTcpOpen(a.now);
  a.fromServer(encoded({ kind: 'client/login', token: login, result: { ok: true, version: '2.0', clientId: 0, flags: 0, metadata: null } }));
  const join = a.client.joinGroup({ group: 'grp', user: 'alice' }, a.now);
  a.fromServer(encoded({ kind: 'client/group/join', token: join, result: { ok: true, groupId: 0, groupFlags: 0, groupMetadata: null, userId: 0, userFlags: 0, userMetadata: null, privateMetadata: null, relay: null } }));
  a.fromServer(encoded({ kind: 'client/peer/join', groupName: 'grp', groupId: 0, userName: 'bob', userId: 1, version: '2.0', flags: 0, metadata: null, relay: null, addresses }));
  a.udp(bytes({ kind: 'peer/ping', groupId: 0, senderId: 1, t1: null }), bob);
  assert.equal(a.eventsOf('PeerJoin').length, 1);
  a.actions();
  return a;
}

function bytes(m: Parameters<typeof encodeAooToBytes>[0]): Uint8Array {
  const r = encodeAooToBytes(m);
  assert.ok(r.ok);
  return r.value;
}

/** A message from bob arrives and is delivered: the client still works. */
function stillWorks(a: ScriptedClient): void {
  const before = a.eventsOf('PeerMessage').length;
  a.udp(bytes({ kind: 'peer/msg', form: 'binary', groupId: 0, senderId: 1, reliable: false, sequence: 999, totalSize: 2, frames: null, timestamp: null, dataType: 1, payload: text('ok').bytes }), bob);
  assert.equal(a.eventsOf('PeerMessage').length, before + 1);
}

describe('client: hostile and broken input never throws, is counted, and costs nothing else', () => {
  it('50,000 mutated and random datagrams from the peer and from the server', () => {
    const seeds = ['ref-client-server-peers-udp.txt', 'ref-relay-udp.txt'].flatMap((f) => readVector(f).packets.map((p) => p.bytes));
    const a = aliceWithBob();
    let n = 0;
    for (const input of fuzzInputs(seeds, seededRandom(42), 50_000)) {
      a.udp(input, n++ % 2 === 0 ? bob : server);
      if (n % 1000 === 0) {
        a.advance(0.05);
        a.actions();
        a.client.pollEvents();
      }
    }
    assert.ok(a.client.drops.total > 10_000, `${a.client.drops.total} drops`);
    assert.ok(a.client.peers().length >= 1);
    stillWorks(a);
  });

  it('20,000 mutated TCP frames from the server (the client reconnects whenever one ends the connection)', () => {
    const seeds = readVector('ref-client-server-tcp.txt').packets.filter((p) => p.label.startsWith('S->')).map((p) => p.bytes);
    const a = aliceWithBob();
    let reconnects = 0;
    for (const input of fuzzInputs(seeds, seededRandom(7), 20_000)) {
      const frame = input.length % 4 === 0 && input[0] === 0x2f ? tcpFrame(input) : input;
      a.client.handleTcpData(frame, a.now);
      if (a.client.connection === null) {
        reconnects++;
        const token = a.client.connect({ server }, a.now);
        a.udp(encoded({ kind: 'client/query', publicAddress: { host: '10.0.0.1', port: 9000 } }), server);
        a.client.handleTcpOpen(a.now);
        a.fromServer(encoded({ kind: 'client/login', token, result: { ok: true, version: '2.0', clientId: 0, flags: 0, metadata: null } }));
      }
      a.actions();
    }
    assert.ok(reconnects > 10, `${reconnects} reconnects`);
    assert.notEqual(a.client.connection, null);
  });

  it('a peer announced with 1000 addresses gets pings at no more than 16 of them', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ host: `10.1.${i >> 8}.${i & 0xff}`, port: 9000 }));
    const a = aliceWithBob();
    a.fromServer(encoded({ kind: 'client/peer/join', groupName: 'grp', groupId: 0, userName: 'eve', userId: 2, version: '2.0', flags: 0, metadata: null, relay: null, addresses: many }));
    assert.equal(a.actions().filter((x) => describeAction(x).endsWith('peer/ping')).length, 16);
  });

  it('reliable frames far ahead, absurd frame counts and sizes are refused without an ack; strangers and nested relays are dropped', () => {
    const a = aliceWithBob();
    const frame = { kind: 'peer/msg', form: 'binary', groupId: 0, senderId: 1, reliable: true, timestamp: null, dataType: 1 } as const;
    a.udp(bytes({ ...frame, sequence: 2 ** 30, totalSize: 1, frames: null, payload: new Uint8Array(1) }), bob);
    a.udp(bytes({ ...frame, sequence: 0, totalSize: 2 ** 31 - 1, frames: { count: 3, index: 0 }, payload: new Uint8Array(8) }), bob);
    a.udp(bytes({ ...frame, sequence: 0, totalSize: 100, frames: { count: 100_000, index: 0 }, payload: new Uint8Array(8) }), bob);
    assert.equal(a.client.drops.get('bad-peer-message'), 3);
    assert.deepEqual(a.actions(), [], 'no acks');
    a.udp(bytes({ ...frame, senderId: 9, sequence: 0, totalSize: 1, frames: null, payload: new Uint8Array(1) }), bob);
    assert.equal(a.client.drops.get('unknown-peer'), 1);
    const ping = bytes({ kind: 'peer/ping', groupId: 0, senderId: 1, t1: null });
    const inner = new Uint8Array(64);
    const innerLength = wrapForRelay(inner, 0, 'binary', { host: bob.address, port: bob.port }, ping);
    const outer = new Uint8Array(128);
    const outerLength = wrapForRelay(outer, 0, 'binary', { host: bob.address, port: bob.port }, inner.subarray(0, innerLength));
    a.udp(outer.subarray(0, outerLength), server);
    assert.equal(a.client.drops.get('unexpected'), 1);
    assert.deepEqual(a.eventsOf('InputDropped').map((e) => e.reason), ['bad-peer-message', 'unknown-peer', 'unexpected'], 'each reason reported once');
    stillWorks(a);
  });
});
