import { strict as assert } from 'node:assert';
import type { CapturedPacket } from '../../src/cli/capture-file.ts';
import { type AooMessage, decodeAoo, encodeAooToBytes } from '../../src/protocol/aoo/messages.ts';
import { OscWriter } from '../../src/protocol/osc/writer.ts';
import { type RelayMessage, unwrapRelay, wrapForRelay } from '../../src/protocol/aoo/relay.ts';
import { hex, readVector } from '../support/vectors.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytesOf = (hexString: string): Uint8Array => Uint8Array.from(Buffer.from(hexString.replace(/\s+/g, ''), 'hex'));

function hexDiff(expected: Uint8Array, actual: Uint8Array): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  return `first difference at byte ${i} (expected ${expected.length} bytes, got ${actual.length})\n    expected ${hex(expected)}\n    actual   ${hex(actual)}`;
}

function decode(bytes: Uint8Array): AooMessage {
  const r = decodeAoo(bytes);
  assert.ok(r.ok, r.ok ? '' : `${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

function encode(m: AooMessage): Uint8Array {
  const r = encodeAooToBytes(m);
  assert.ok(r.ok, r.ok ? '' : `${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

/** Decodes `bytes` and re-encodes it; returns a problem description (relayed packets are checked too), or null. */
function roundTripProblem(bytes: Uint8Array): string | null {
  const d = decodeAoo(bytes);
  if (!d.ok) return `${d.error.kind}: ${d.error.detail}`;
  const e = encodeAooToBytes(d.value);
  if (!e.ok) return `${d.value.kind}: re-encode failed: ${e.error.detail}`;
  if (hex(e.value) !== hex(bytes)) return `${d.value.kind}: ${hexDiff(bytes, e.value)}`;
  if (d.value.kind === 'relay') {
    const inner = roundTripProblem(d.value.packet);
    if (inner !== null) return `relayed packet: ${inner}`;
  }
  return null;
}

const NET_VECTORS = ['ref-client-server-peers-udp.txt', 'ref-client-server-tcp.txt', 'ref-relay-udp.txt', 'ref-relay-tcp.txt'];

describe('golden vectors: client, server, peers, relay', () => {
  for (const name of NET_VECTORS) {
    it(`${name}: every packet (and every relayed packet) decodes and re-encodes byte-identically`, () => {
      const packets = readVector(name).packets;
      assert.ok(packets.length > 0);
      const problems: string[] = [];
      for (const p of packets) {
        if (p.bytes[0] !== 0x2f && (p.bytes[0]! & 0x80) === 0) {
          const d = decodeAoo(p.bytes);
          if (d.ok || d.error.kind !== 'foreign') problems.push(`#${p.index} (${p.label}): a non-AOO datagram must decode to a 'foreign' error`);
          continue;
        }
        const problem = roundTripProblem(p.bytes);
        if (problem !== null) problems.push(`#${p.index} (${p.label}): ${problem}`);
      }
      assert.deepEqual(problems, [], `${name}:\n${problems.join('\n')}`);
    });
  }
});

const tcp = readVector('ref-client-server-tcp.txt').packets;
const udp = readVector('ref-client-server-peers-udp.txt').packets;
const relayUdp = readVector('ref-relay-udp.txt').packets;

/** The decoded TCP frame whose line starts with `direction` ("S->C1") and shows `addressAndTags`. */
function tcpMessage(direction: string, addressAndTags: string): AooMessage {
  const p = tcp.find((q) => q.label.startsWith(`${direction} `) && q.label.includes(` ${addressAndTags} `));
  assert.ok(p, `no TCP frame ${direction} ${addressAndTags}`);
  return decode(p.bytes);
}

function udpPacket(packets: CapturedPacket[], number: number): CapturedPacket {
  const p = packets.find((q) => q.label.startsWith(`UDP #${number} `));
  assert.ok(p, `no UDP #${number}`);
  return p;
}

const json = (s: string) => ({ type: 5, bytes: text(s) });
const aliceAddresses = [
  { host: '192.0.2.2', port: 20001 },
  { host: 'fd00::2', port: 20001 },
  { host: '127.0.0.1', port: 20001 },
];
const bobAddresses = aliceAddresses.map((a) => ({ ...a, port: 20002 }));

describe('client/server messages: fields of spec §14.4', () => {
  it('/aoo/server/login with hashed password, metadata and address list; without metadata', () => {
    assert.deepEqual(tcpMessage('C1->S', '/aoo/server/login ,issibisisisi'), {
      kind: 'server/login',
      token: 0,
      version: '2.0-test4',
      password: '700EB11B4BCF031E6D3FA73856E9AEAA',
      metadata: json('{"x":1}'),
      addresses: aliceAddresses,
    });
    const bob = tcpMessage('C2->S', '/aoo/server/login ,issNNisisisi');
    assert.ok(bob.kind === 'server/login');
    assert.equal(bob.metadata, null);
    assert.deepEqual(bob.addresses, bobAddresses);
  });

  it('/aoo/client/login: success and wrong-password error', () => {
    assert.deepEqual(tcpMessage('S->C2', '/aoo/client/login ,iisiiNN'), {
      kind: 'client/login',
      token: 0,
      result: { ok: true, version: '2.0-test4', clientId: 1, flags: 0, metadata: null },
    });
    assert.deepEqual(tcpMessage('S->C3', '/aoo/client/login ,iiis'), {
      kind: 'client/login',
      token: 3,
      result: { ok: false, code: 1004, systemCode: 0, message: '' },
    });
  });

  it('/aoo/server/group/join and its 14-argument reply (opaque user flags, relay "" 17001)', () => {
    assert.deepEqual(tcpMessage('C1->S', '/aoo/server/group/join ,issibssNNNN'), {
      kind: 'server/group/join',
      token: 1,
      groupName: 'grp',
      groupPassword: '4259EB9EA37F3BA630D82AC7DD50E44B',
      groupMetadata: json('{"x":1}'),
      userName: 'alice',
      userPassword: '',
      userMetadata: null,
      relay: null,
    });
    assert.deepEqual(tcpMessage('S->C1', '/aoo/client/group/join ,iiiiibiiNNNNsi'), {
      kind: 'client/group/join',
      token: 1,
      result: {
        ok: true,
        groupId: 0,
        groupFlags: 0,
        groupMetadata: json('{"x":1}'),
        userId: 0,
        userFlags: 1,
        userMetadata: null,
        privateMetadata: null,
        relay: { host: '', port: 17001 },
      },
    });
    const bob = tcpMessage('S->C2', '/aoo/client/group/join ,iiiiibiiibNNsi');
    assert.ok(bob.kind === 'client/group/join' && bob.result.ok);
    assert.equal(bob.result.userId, 1);
    assert.equal(bob.result.userFlags, 0);
    assert.deepEqual(bob.result.userMetadata, json('{"x":1}'));
  });

  it('/aoo/client/peer/join for both parties', () => {
    assert.deepEqual(tcpMessage('S->C1', '/aoo/client/peer/join ,sisisiibNNisisisi'), {
      kind: 'client/peer/join',
      groupName: 'grp',
      groupId: 0,
      userName: 'bob',
      userId: 1,
      version: '2.0-test4',
      flags: 0,
      metadata: json('{"x":1}'),
      relay: null,
      addresses: bobAddresses,
    });
    const alice = tcpMessage('S->C2', '/aoo/client/peer/join ,sisisiNNNNisisisi');
    assert.ok(alice.kind === 'client/peer/join');
    assert.equal(alice.userName, 'alice');
    assert.equal(alice.flags, 4);
    assert.equal(alice.metadata, null);
    assert.deepEqual(alice.addresses, aliceAddresses);
  });

  it('updates, notifications, custom request error, leave', () => {
    const data = json('{"y":2}');
    assert.deepEqual(tcpMessage('C1->S', '/aoo/server/group/update ,iiib'), { kind: 'server/group/update', token: 2, groupId: 0, data });
    assert.deepEqual(tcpMessage('S->C1', '/aoo/client/group/update ,iiib'), { kind: 'client/group/update', token: 2, result: { ok: true, data } });
    assert.deepEqual(tcpMessage('S->C2', '/aoo/client/group/changed ,iiib'), { kind: 'client/group/changed', groupId: 0, userId: 0, data });
    assert.deepEqual(tcpMessage('C1->S', '/aoo/server/user/update ,iiib'), { kind: 'server/user/update', token: 3, groupId: 0, data });
    assert.deepEqual(tcpMessage('S->C1', '/aoo/client/user/update ,iiib'), { kind: 'client/user/update', token: 3, result: { ok: true, data } });
    assert.deepEqual(tcpMessage('S->C2', '/aoo/client/peer/changed ,iiib'), { kind: 'client/peer/changed', groupId: 0, userId: 0, data });
    assert.deepEqual(tcpMessage('C1->S', '/aoo/server/request ,iiib'), { kind: 'server/request', token: 4, flags: 0, data });
    assert.deepEqual(tcpMessage('S->C1', '/aoo/client/request ,iiis'), {
      kind: 'client/request',
      token: 4,
      result: { ok: false, code: 1001, systemCode: 0, message: '' },
    });
    assert.deepEqual(tcpMessage('C2->S', '/aoo/server/group/leave ,ii'), { kind: 'server/group/leave', token: 2, groupId: 0 });
    assert.deepEqual(tcpMessage('S->C2', '/aoo/client/group/leave ,ii'), { kind: 'client/group/leave', token: 2, result: { ok: true } });
    assert.deepEqual(tcpMessage('S->C1', '/aoo/client/peer/leave ,ii'), { kind: 'client/peer/leave', groupId: 0, userId: 1 });
    assert.deepEqual(tcpMessage('S->C1', '/aoo/client/ping ,'), { kind: 'client/ping' });
    assert.deepEqual(tcpMessage('C1->S', '/aoo/server/pong ,'), { kind: 'server/pong' });
  });

  it('UDP query and keep-alive', () => {
    const query = udpPacket(udp, 1);
    assert.equal(query.bytes.length, 24);
    assert.deepEqual(decode(query.bytes), { kind: 'server/query' });
    assert.equal(udpPacket(udp, 2).bytes.length, 40);
    assert.deepEqual(decode(udpPacket(udp, 2).bytes), { kind: 'client/query', publicAddress: { host: '127.0.0.1', port: 20001 } });
    assert.deepEqual(decode(udpPacket(udp, 3).bytes), { kind: 'server/ping' });
    assert.deepEqual(decode(udpPacket(udp, 4).bytes), { kind: 'client/pong' });
  });
});

describe('peer messages: fields of spec §14.5', () => {
  it('handshake and regular ping/pong', () => {
    const handshake = udpPacket(udp, 9);
    assert.equal(handshake.bytes.length, 32);
    assert.deepEqual(decode(handshake.bytes), { kind: 'peer/ping', groupId: 0, senderId: 0, t1: null });
    assert.deepEqual(decode(udpPacket(udp, 12).bytes), { kind: 'peer/pong', groupId: 0, senderId: 1, times: null });
    assert.deepEqual(decode(udpPacket(udp, 11).bytes), { kind: 'peer/ping', groupId: 0, senderId: 1, t1: 0xeeab44a6f2d1bf7an });
    assert.deepEqual(decode(udpPacket(udp, 14).bytes), {
      kind: 'peer/pong',
      groupId: 0,
      senderId: 0,
      times: { t1: 0xeeab44a6f2d1bf7an, t2: 0xeeab44a6f2d234ebn, t3: 0xeeab44a6f4221426n },
    });
  });

  it('binary unreliable "hello peer" (26 bytes, as printed in §14.5)', () => {
    const bytes = bytesOf('84 00 00 00 00 00 00 00 00 00 00 0a 00 00 00 01 68 65 6c 6c 6f 20 70 65 65 72');
    assert.equal(hex(udpPacket(udp, 16).bytes), hex(bytes));
    const expected: AooMessage = {
      kind: 'peer/msg',
      form: 'binary',
      groupId: 0,
      senderId: 0,
      reliable: false,
      sequence: 0,
      totalSize: 10,
      frames: null,
      timestamp: null,
      dataType: 1,
      payload: text('hello peer'),
    };
    assert.deepEqual(decode(bytes), expected);
    assert.equal(hex(encode(expected)), hex(bytes));
  });

  it('binary reliable message with timestamp, and its binary ack', () => {
    const m = decode(udpPacket(udp, 17).bytes);
    assert.ok(m.kind === 'peer/msg');
    assert.equal(m.reliable, true);
    assert.equal(m.timestamp, 0xeeab44a8a5fb71fbn);
    assert.deepEqual(m.payload, text('hello peer'));
    const ack = udpPacket(udp, 18).bytes;
    assert.equal(hex(ack), '84010001000000010000000000000000');
    assert.deepEqual(decode(ack), { kind: 'peer/ack', form: 'binary', groupId: 0, senderId: 1, acks: [{ sequence: 0, frame: 0 }] });
  });

  it('OSC unreliable and reliable messages, OSC ack without a count', () => {
    const unreliable = decode(udpPacket(udp, 19).bytes);
    assert.ok(unreliable.kind === 'peer/msg');
    assert.deepEqual({ ...unreliable, payload: null }, {
      kind: 'peer/msg',
      form: 'osc',
      groupId: 0,
      senderId: 0,
      reliable: false,
      sequence: 1,
      totalSize: 10,
      frames: null,
      timestamp: null,
      dataType: 1,
      payload: null,
    });
    const reliable = decode(udpPacket(udp, 20).bytes);
    assert.ok(reliable.kind === 'peer/msg' && reliable.form === 'osc');
    assert.equal(reliable.reliable, true);
    assert.equal(reliable.sequence, 1);
    assert.equal(reliable.timestamp, 0xeeab44a90c6cfc82n);
    assert.deepEqual(decode(udpPacket(udp, 21).bytes), { kind: 'peer/ack', form: 'osc', groupId: 0, senderId: 1, acks: [{ sequence: 1, frame: 0 }] });
  });

  it('multi-frame OSC message (426/426/148) equals a hand-built value', () => {
    const message = 'abcdefghijklmnopqrstuvwxyz'.repeat(39).slice(0, 1000);
    const frames = [0, 1, 2].map((index) => {
      const m: AooMessage = {
        kind: 'peer/msg',
        form: 'osc',
        groupId: 0,
        senderId: 0,
        reliable: true,
        sequence: 2,
        totalSize: 1000,
        frames: { count: 3, index },
        timestamp: null,
        dataType: 1,
        payload: text(message.slice(index * 426, Math.min(1000, (index + 1) * 426))),
      };
      return encode(m);
    });
    assert.deepEqual(
      frames.map(hex),
      [22, 23, 24].map((n) => hex(udpPacket(udp, n).bytes)),
    );
  });

  it('multi-frame binary message (472/472/56) equals a hand-built value', () => {
    const message = 'abcdefghijklmnopqrstuvwxyz'.repeat(39).slice(0, 1000);
    const first = encode({
      kind: 'peer/msg',
      form: 'binary',
      groupId: 0,
      senderId: 0,
      reliable: false,
      sequence: 2,
      totalSize: 1000,
      frames: { count: 3, index: 0 },
      timestamp: null,
      dataType: 1,
      payload: text(message.slice(0, 472)),
    });
    assert.equal(hex(first.subarray(0, 28)), '84000000000000020002' + '01d8' + '000003e8' + '00000003' + '00000000' + '00000001');
    assert.equal(hex(first), hex(udpPacket(udp, 28).bytes));
    const last = decode(udpPacket(udp, 30).bytes);
    assert.ok(last.kind === 'peer/msg');
    assert.deepEqual(last.frames, { count: 3, index: 2 });
    assert.equal(last.payload.length, 56);
  });

  it('binary reliable message with timestamp, built by hand', () => {
    const bytes = encode({
      kind: 'peer/msg',
      form: 'binary',
      groupId: 0,
      senderId: 0,
      reliable: true,
      sequence: 0,
      totalSize: 10,
      frames: null,
      timestamp: 0x0102030405060708n,
      dataType: 1,
      payload: text('hello peer'),
    });
    assert.equal(hex(bytes), '8400000000000000' + '0005000a' + '0102030405060708' + '00000001' + hex(text('hello peer')));
  });

  it('long binary header when the group or user ID is >= 256', () => {
    const m: AooMessage = {
      kind: 'peer/msg',
      form: 'binary',
      groupId: 300,
      senderId: 1,
      reliable: false,
      sequence: 7,
      totalSize: 2,
      frames: null,
      timestamp: null,
      dataType: 0,
      payload: bytesOf('abcd'),
    };
    const bytes = encode(m);
    assert.equal(hex(bytes), '84800000' + '0000012c' + '00000001' + '00000007' + '00000002' + '00000000' + 'abcd');
    assert.deepEqual(decode(bytes), m);
    const ack: AooMessage = { kind: 'peer/ack', form: 'binary', groupId: 1, senderId: 1000, acks: [{ sequence: 3, frame: -1 }] };
    assert.equal(hex(encode(ack)), '84810000' + '00000001' + '000003e8' + '00000001' + '00000003' + 'ffffffff');
    assert.deepEqual(decode(encode(ack)), ack);
  });
});

describe('relay: spec §3.5, §14.6', () => {
  const ping = udpPacket(udp, 9).bytes;

  it('binary IPv4 headers: client -> relay (destination) and relay -> peer (source)', () => {
    const toRelay = relayUdp.find((p) => hex(p.bytes).startsWith('85004e22c0000202'));
    assert.ok(toRelay);
    const m = decode(toRelay.bytes);
    assert.ok(m.kind === 'relay');
    assert.equal(m.form, 'binary');
    assert.deepEqual(m.address, { host: '192.0.2.2', port: 20002 });
    assert.equal(hex(m.packet), hex(ping));
    assert.deepEqual(decode(m.packet), { kind: 'peer/ping', groupId: 0, senderId: 0, t1: null });

    const fromRelay = relayUdp.find((p) => hex(p.bytes) === '85004e217f000001' + hex(ping));
    assert.ok(fromRelay);
    assert.deepEqual(decode(fromRelay.bytes), { kind: 'relay', form: 'binary', address: { host: '127.0.0.1', port: 20001 }, packet: ping });
  });

  it('binary IPv6 header', () => {
    const v6 = relayUdp.find((p) => p.bytes[0] === 0x85 && p.bytes[1] === 1);
    assert.ok(v6);
    assert.equal(hex(v6.bytes.subarray(0, 20)), '85014e22fd000000000000000000000000000002');
    const m = decode(v6.bytes);
    assert.ok(m.kind === 'relay');
    assert.deepEqual(m.address, { host: 'fd00::2', port: 20002 });
    assert.equal(hex(m.packet), hex(ping));
  });

  it('wrapForRelay / unwrapRelay in both forms', () => {
    const out = new Uint8Array(256);
    const n = wrapForRelay(out, 0, 'binary', { host: '192.0.2.2', port: 20002 }, ping);
    assert.equal(hex(out.subarray(0, n)), '85004e22c0000202' + hex(ping));
    const oscOut = new Uint8Array(256);
    const osc = oscOut.subarray(0, wrapForRelay(oscOut, 0, 'osc', { host: 'fd00::2', port: 20002 }, ping));
    assert.equal(hex(osc.subarray(0, 20)), hex(text('/aoo/relay\0\0,sib\0\0\0\0')));
    const expected: RelayMessage = { kind: 'relay', form: 'osc', address: { host: 'fd00::2', port: 20002 }, packet: ping };
    assert.deepEqual(unwrapRelay(osc), expected);
    assert.deepEqual(decode(osc), expected);
    assert.deepEqual(unwrapRelay(out, 0, n), { kind: 'relay', form: 'binary', address: { host: '192.0.2.2', port: 20002 }, packet: ping });
    assert.equal(wrapForRelay(out, 0, 'binary', { host: 'relay.example.org', port: 1 }, ping), -1);
    assert.equal(wrapForRelay(new Uint8Array(10), 0, 'binary', { host: '192.0.2.2', port: 1 }, ping), -1);
  });

  it('never produces IPv4-mapped IPv6 addresses; IPv6 hosts come out in canonical form', () => {
    const out = new Uint8Array(256);
    const n = wrapForRelay(out, 0, 'binary', { host: '::ffff:192.0.2.2', port: 20002 }, ping);
    assert.equal(hex(out.subarray(0, 8)), '85004e22c0000202');
    const mapped = new Uint8Array([0x85, 1, 0x4e, 0x22, ...new Uint8Array(10), 0xff, 0xff, 192, 0, 2, 2, ...ping]);
    const m = decode(mapped);
    assert.ok(m.kind === 'relay');
    assert.deepEqual(m.address, { host: '192.0.2.2', port: 20002 });
    const osc = encode({ kind: 'relay', form: 'osc', address: { host: 'FD00:0:0::0:2', port: 9 }, packet: out.subarray(0, n) });
    const back = decode(osc);
    assert.ok(back.kind === 'relay');
    assert.equal(back.address.host, 'fd00::2');
  });
});

describe('client/server messages: forms not in the captures', () => {
  const roundTrip = (m: AooMessage, expectedHex?: string): void => {
    const bytes = encode(m);
    if (expectedHex !== undefined) assert.equal(hex(bytes), expectedHex);
    assert.deepEqual(decode(bytes), m);
  };

  it('/aoo/client/msg: documented ",ib" and the reference server\'s blob-only ",b"', () => {
    const address = hex(text('/aoo/client/msg\0'));
    roundTrip({ kind: 'client/msg', dataType: 1, bytes: text('hi') }, address + hex(text(',ib\0')) + '00000001' + '00000002' + '68690000');
    roundTrip({ kind: 'client/msg', dataType: null, bytes: text('hi') }, address + hex(text(',b\0\0')) + '00000002' + '68690000');
  });

  it('error replies ",iiis" for login, group join, group leave, updates', () => {
    const error = { ok: false, code: 1011, systemCode: 7, message: 'user exists' } as const;
    roundTrip({ kind: 'client/group/join', token: 9, result: error });
    roundTrip({ kind: 'client/group/leave', token: 9, result: { ok: false, code: 1010, systemCode: 0, message: '' } });
    roundTrip({ kind: 'client/group/update', token: 9, result: error });
    roundTrip({ kind: 'client/user/update', token: 9, result: error });
    roundTrip({ kind: 'client/login', token: 9, result: { ok: false, code: 1002, systemCode: 0, message: '' } });
    const bytes = encode({ kind: 'client/group/join', token: 9, result: error });
    assert.equal(hex(bytes), hex(text('/aoo/client/group/join\0\0,iiis\0\0\0')) + '00000009' + '000003f3' + '00000007' + hex(text('user exists\0')));
  });

  it('successful custom request ",iiiib", login with metadata, group join with everything present, group eject, user changed', () => {
    roundTrip({ kind: 'client/request', token: 5, result: { ok: true, flags: 3, data: json('{}') } });
    roundTrip({ kind: 'client/login', token: 1, result: { ok: true, version: '2.0-test4', clientId: 4, flags: 0, metadata: json('{"m":1}') } });
    roundTrip({
      kind: 'client/group/join',
      token: 2,
      result: {
        ok: true,
        groupId: 1,
        groupFlags: 1,
        groupMetadata: json('{"g":1}'),
        userId: 2,
        userFlags: 0,
        userMetadata: json('{"u":1}'),
        privateMetadata: json('{"p":1}'),
        relay: { host: 'relay.example.org', port: 7078 },
      },
    });
    roundTrip({ kind: 'client/group/eject', groupId: 3 }, hex(text('/aoo/client/group/eject\0,i\0\0')) + '00000003');
    roundTrip({ kind: 'client/user/changed', groupId: 1, userId: 2, data: json('{"z":3}') });
    roundTrip({
      kind: 'server/group/join',
      token: 1,
      groupName: 'g',
      groupPassword: '',
      groupMetadata: null,
      userName: 'u',
      userPassword: '',
      userMetadata: null,
      relay: { host: '', port: 9000 },
    });
  });
});

describe('net messages: strict decoding', () => {
  const rejected = (bytes: Uint8Array, why: RegExp): void => {
    const r = decodeAoo(bytes);
    assert.ok(!r.ok, 'should not decode');
    assert.match(r.error.detail, why);
  };
  /** An OSC message with the given tags; `args` holds one value per tag except "N". */
  const osc = (address: string, tags: string, ...args: (number | bigint | string | Uint8Array)[]): Uint8Array => {
    const buf = new Uint8Array(512);
    const w = new OscWriter().begin(buf, 0, address, tags);
    const values = args.values();
    for (const tag of tags) {
      const v = tag === 'N' ? undefined : values.next().value;
      if (tag === 'N') w.nil();
      else if (tag === 'i' && typeof v === 'number') w.int(v);
      else if (tag === 't' && typeof v === 'bigint') w.time(v);
      else if (tag === 's' && typeof v === 'string') w.string(v);
      else if (tag === 'b' && v instanceof Uint8Array) w.blob(v);
      else assert.fail(`no "${tag}" value for ${address}`);
    }
    const n = w.end();
    assert.ok(typeof n === 'number');
    return buf.slice(0, n);
  };

  it('non-AOO datagrams are "foreign"', () => {
    const r = decodeAoo(text('hello'));
    assert.ok(!r.ok && r.error.kind === 'foreign');
  });

  it('rejects empty data, bad relay ports, negative counts, inconsistent frames', () => {
    rejected(osc('/aoo/server/group/update', 'iiib', 1, 0, 5, new Uint8Array(0)), /must not be empty/);
    rejected(osc('/aoo/server/request', 'iiNN', 1, 0), /expected "i", got "N"/);
    rejected(osc('/aoo/server/group/join', 'issNNssNNsi', 1, 'g', '', 'u', '', '', 0), /port 0 must be > 0/);
    rejected(osc('/aoo/server/login', 'issNNi', 1, '2.0', '', -1), /address count -1/);
    rejected(osc('/aoo/peer/pong', 'iiNtt', 0, 0, 1n, 2n), /"N" must be followed by "N N"/);
    rejected(osc('/aoo/peer/msg', 'iiiiiNNNib', 0, 0, 0, 0, 0, 1, new Uint8Array(0)), /empty payload/);
    rejected(osc('/aoo/peer/msg', 'iiiiiiiNib', 0, 0, 0, 0, 10, 2, 2, 1, text('ab')), /frame index 2 of 2/);
    rejected(osc('/aoo/peer/ack', 'iii', 0, 0, 1), /odd number/);
    rejected(bytesOf('84010001 ffffffff'), /-1 acks/);
    rejected(bytesOf('84000000 00000000 0000 000a 00000001 6869'), /exceed/);
    rejected(osc('/aoo/relay', 'sib', 'relay.example.org', 1, text('/x')), /not a numeric IP/);
    rejected(osc('/aoo/relay', 'sib', '127.0.0.1', 70000, text('/x')), /not a numeric IP endpoint/);
    rejected(bytesOf('85004e227f000001'), /no embedded packet/);
  });
});
