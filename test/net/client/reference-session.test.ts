/**
 * The client replays alice's side of the reference captures: everything it sends must be
 * byte-identical to what the reference client sent, given the reference server's replies.
 */
import { strict as assert } from 'node:assert';
import { PeerFlag } from '../../../src/net/client/events.ts';
import { AooErrorCode, DataType } from '../../../src/protocol/aoo/constants.ts';
import { hex } from '../../support/vectors.ts';
import { ScriptedClient, describeAction, encoded } from './support/scripted.ts';
import { capturedTcp, capturedUdp } from './support/vectors.ts';

const TCP = 'ref-client-server-tcp.txt';
const PEERS = 'ref-client-server-peers-udp.txt';
const RELAY = 'ref-relay-udp.txt';
const T0 = 3_900_000_000;
const server = { address: '127.0.0.1', port: 17000 };
const relay = { address: '127.0.0.1', port: 17001 };
const bob = { address: '127.0.0.1', port: 20002 };
const json = (s: string) => ({ type: DataType.Json, bytes: new TextEncoder().encode(s) });

/** Alice logged in and in group "grp" with bob announced, as in the captures. */
function aliceWithBob(joinReply = capturedTcp(TCP, 'S->C1', '/aoo/client/group/join')): ScriptedClient {
  const a = new ScriptedClient(T0);
  a.client.connect(
    {
      server,
      password: 'serverpwd',
      metadata: json('{"x":1}'),
      localAddresses: [
        { address: '192.0.2.2', port: 20001 },
        { address: 'fd00::2', port: 20001 },
      ],
    },
    a.now,
  );
  assert.deepEqual(a.actions().map(describeAction), ['udp 127.0.0.1:17000 server/query']);
  a.udp(capturedUdp(PEERS, 2), server);
  assert.deepEqual(a.actions().map(describeAction), ['tcp-open 127.0.0.1:17000']);
  a.client.handleTcpOpen(a.now);
  assert.deepEqual(a.tcpSent().map(hex), [hex(capturedTcp(TCP, 'C1->S', '/aoo/server/login'))]);
  a.fromServer(capturedTcp(TCP, 'S->C1', '/aoo/client/ping'));
  assert.deepEqual(a.actions(), [], 'no pong before the login reply (spec §13 #23)');
  a.fromServer(capturedTcp(TCP, 'S->C1', '/aoo/client/login'));
  const login = a.lastResponse();
  assert.ok(login.response.request === 'connect' && login.response.result.ok);
  assert.equal(login.response.result.clientId, 0);
  const afterLogin = a.actions();
  assert.deepEqual(afterLogin.map(describeAction), ['tcp server/pong', 'tcp server/ping', 'udp 127.0.0.1:17000 server/ping']);
  assert.equal(hex(afterLogin[2]!.kind === 'udp' ? afterLogin[2]!.bytes : new Uint8Array()), hex(capturedUdp(PEERS, 3)));
  a.fromServer(capturedTcp(TCP, 'S->C1', '/aoo/client/pong'));

  a.client.joinGroup({ group: 'grp', groupPassword: 'gpwd', groupMetadata: json('{"x":1}'), user: 'alice' }, a.now);
  assert.deepEqual(a.tcpSent().map(hex), [hex(capturedTcp(TCP, 'C1->S', '/aoo/server/group/join'))]);
  a.fromServer(joinReply);
  const join = a.lastResponse().response;
  assert.ok(join.request === 'group-join' && join.result.ok);
  assert.deepEqual({ group: join.result.groupId, user: join.result.userId, meta: join.result.groupMetadata?.type }, { group: 0, user: 0, meta: DataType.Json });
  a.fromServer(capturedTcp(TCP, 'S->C1', '/aoo/client/peer/join'));
  return a;
}

/** Bob logged in and in group "grp" with alice announced (connection C2 of the capture). */
function bobWithAlice(): ScriptedClient {
  const b = new ScriptedClient(T0);
  b.client.connect({ server, password: 'serverpwd', localAddresses: [{ address: '192.0.2.2', port: 20002 }, { address: 'fd00::2', port: 20002 }] }, b.now);
  b.udp(capturedUdp(PEERS, 6), server);
  b.client.handleTcpOpen(b.now);
  b.fromServer(capturedTcp(TCP, 'S->C2', '/aoo/client/ping'));
  b.fromServer(capturedTcp(TCP, 'S->C2', '/aoo/client/login'));
  b.client.joinGroup({ group: 'grp', groupPassword: 'gpwd', user: 'bob', userMetadata: json('{"x":1}') }, b.now);
  const sent = b.actions().filter((x) => x.kind === 'tcp-send');
  assert.deepEqual(
    sent.map((x) => (x.kind === 'tcp-send' ? hex(x.bytes.subarray(4)) : '')),
    [['C2->S', '/aoo/server/login'], ['C2->S', '/aoo/server/pong'], ['C2->S', '/aoo/server/ping'], ['C2->S', '/aoo/server/group/join']].map(([d, m]) => hex(capturedTcp(TCP, d!, m!))),
  );
  b.fromServer(capturedTcp(TCP, 'S->C2', '/aoo/client/group/join'));
  b.fromServer(capturedTcp(TCP, 'S->C2', '/aoo/client/peer/join'));
  b.actions();
  return b;
}

const alice = { address: '127.0.0.1', port: 20001 };

/** The datagrams of udp actions, as hex. */
function udpHex(a: ScriptedClient): string[] {
  return a.actions().flatMap((x) => (x.kind === 'udp' ? [hex(x.bytes)] : []));
}

describe('client: replaying the reference captures (alice)', () => {
  it('query, login (hashed password, metadata, address list), deferred pong, keep-alive, join: byte-identical', () => {
    const a = aliceWithBob();
    assert.deepEqual(a.client.groups()[0]?.relay, relay, 'the relay "" 17001 is on the server\'s IP');
  });

  it('announces bob and pings each of his addresses every 0.25 s with the reference handshake ping', () => {
    const a = aliceWithBob();
    const [hs] = a.eventsOf('PeerHandshake');
    assert.deepEqual(
      { group: hs?.peer.groupName, user: hs?.peer.userName, id: hs?.peer.userId, meta: hs?.peer.metadata?.type, address: hs?.peer.address },
      { group: 'grp', user: 'bob', id: 1, meta: DataType.Json, address: null },
    );
    const pings = a.actions();
    assert.deepEqual(pings.map(describeAction), ['udp 192.0.2.2:20002 peer/ping', 'udp fd00::2:20002 peer/ping', 'udp 127.0.0.1:20002 peer/ping']);
    for (const p of pings) assert.equal(hex(p.kind === 'udp' ? p.bytes : new Uint8Array()), hex(capturedUdp(PEERS, 9)));
    a.advance(1.1);
    assert.equal(a.actions().length, 4 * 3, 'pings at 0.25, 0.5, 0.75, 1.0 s');
  });

  it('completes the handshake on bob\'s ping, answers it, pings back and reports the round trip', () => {
    const a = aliceWithBob();
    a.actions();
    a.now += 0.001;
    a.udp(capturedUdp(PEERS, 11), bob);
    const [join] = a.eventsOf('PeerJoin');
    assert.deepEqual(join?.peer.address, bob);
    assert.equal(join?.peer.relay, null);
    const replies = a.actions();
    assert.deepEqual(replies.map(describeAction), ['udp 127.0.0.1:20002 peer/pong', 'udp 127.0.0.1:20002 peer/ping']);
    // the pong echoes bob's t1 (the reference's t2/t3 are its own clock)
    const pong = replies[0]!.kind === 'udp' ? replies[0]!.bytes : new Uint8Array();
    assert.equal(hex(pong.subarray(0, 40)), hex(capturedUdp(PEERS, 14).subarray(0, 40)));
    a.now += 0.002;
    a.udp(capturedUdp(PEERS, 15), bob);
    const [ping] = a.eventsOf('PeerPing');
    assert.equal(ping?.peer.userName, 'bob');
    assert.equal(a.client.peerAddress('grp', 'bob')?.port, 20002);
  });

  it('sends messages as the reference does and takes its acks (UDP #16–21)', () => {
    const a = aliceWithBob();
    a.udp(capturedUdp(PEERS, 11), bob);
    a.actions();
    const hello = { type: DataType.Text, bytes: new TextEncoder().encode('hello peer') };
    a.client.sendMessage({ group: 'grp', user: 'bob' }, hello, {}, a.now);
    a.client.sendMessage({}, hello, { reliable: true, timestamp: 0xeeab44a8a5fb71fbn }, a.now);
    const sent = a.actions();
    assert.deepEqual(sent.map((s) => (s.kind === 'udp' ? hex(s.bytes) : '')), [hex(capturedUdp(PEERS, 16)), hex(capturedUdp(PEERS, 17))]);
    assert.equal(a.client.unacknowledged('grp', 'bob'), 1);
    a.udp(capturedUdp(PEERS, 18), bob);
    assert.equal(a.client.unacknowledged('grp', 'bob'), 0);
  });

  it('updates, custom request (unhandled: 1001), peer leave: byte-identical requests, replies matched by token', () => {
    const a = aliceWithBob();
    a.udp(capturedUdp(PEERS, 11), bob);
    a.actions();
    a.client.updateGroup('grp', json('{"y":2}'), a.now);
    a.client.updateUser('grp', json('{"y":2}'), a.now);
    a.client.customRequest(json('{"y":2}'), 0, a.now);
    assert.deepEqual(a.tcpSent().map(hex), ['/aoo/server/group/update', '/aoo/server/user/update', '/aoo/server/request'].map((m) => hex(capturedTcp(TCP, 'C1->S', m))));
    a.fromServer(capturedTcp(TCP, 'S->C1', '/aoo/client/group/update'));
    a.fromServer(capturedTcp(TCP, 'S->C1', '/aoo/client/request'));
    a.fromServer(capturedTcp(TCP, 'S->C1', '/aoo/client/peer/leave'));
    const replies = a.eventsOf('Response').slice(2);
    assert.deepEqual(
      replies.map((r) => [r.token, r.response.request, r.response.result.ok ? 0 : r.response.result.code]),
      [
        [2, 'group-update', 0],
        [4, 'custom', AooErrorCode.UnhandledRequest],
      ],
    );
    assert.equal(new TextDecoder().decode(a.client.groups()[0]?.groupMetadata?.bytes), '{"y":2}');
    assert.deepEqual(a.eventsOf('PeerLeave').map((e) => e.peer.userName), ['bob']);
    assert.deepEqual(a.client.peers(), []);
    // the user update got no reply in this excerpt: it times out (spec §13 #5)
    a.advance(10);
    const late = a.lastResponse();
    assert.deepEqual([late.token, late.response.request, late.response.result.ok ? 0 : late.response.result.code], [3, 'user-update', 10]);
  });

  it('falls back to the relay after 5 s: the same handshake pings, wrapped for the server relay (relay capture #93, #95, #96)', () => {
    const a = aliceWithBob();
    a.actions();
    a.advance(4.99);
    assert.ok(a.actions().every((x) => x.kind === 'udp' && x.to.port === 20002));
    a.advance(0.02);
    const wrapped = a.actions().filter((x) => x.kind === 'udp' && x.to.port === relay.port);
    assert.deepEqual(wrapped.map((x) => (x.kind === 'udp' ? hex(x.bytes) : '')), [93, 95, 96].map((n) => hex(capturedUdp(RELAY, n))));
    assert.ok(a.client.peers()[0]!.flags & PeerFlag.NeedRelay);

    // bob's ping arrives through the relay (from the server's port, as captured): connected through the relay
    a.udp(capturedUdp(RELAY, 99), server);
    const [join] = a.eventsOf('PeerJoin');
    assert.deepEqual([join?.peer.address, join?.peer.relay, join?.peer.flags], [bob, relay, PeerFlag.NeedRelay]);
    assert.deepEqual(a.actions().map((x) => (x.kind === 'udp' ? `${x.to.port} ${hex(x.bytes.subarray(0, 8))}` : '')), ['17001 85004e227f000001', '17001 85004e227f000001']);
    assert.deepEqual(a.client.relayFor(bob), relay);

    const hello = { type: DataType.Text, bytes: new TextEncoder().encode('hello peer') };
    a.client.sendMessage({ group: 'grp' }, hello, {}, a.now);
    a.client.sendMessage({ group: 'grp' }, hello, { reliable: true, timestamp: 0xeeab44c4740ee06dn }, a.now);
    assert.deepEqual(a.actions().map((x) => (x.kind === 'udp' ? hex(x.bytes) : '')), [hex(capturedUdp(RELAY, 120)), hex(capturedUdp(RELAY, 122))]);
    a.udp(capturedUdp(RELAY, 125), server);
    assert.equal(a.client.unacknowledged('grp', 'bob'), 0);
  });

  it('gives up (PeerTimeout) after 5 s without a relay, after 5 + 5 s with one', () => {
    const joinWithoutRelay = encoded({
      kind: 'client/group/join',
      token: 1,
      result: { ok: true, groupId: 0, groupFlags: 0, groupMetadata: json('{"x":1}'), userId: 0, userFlags: 1, userMetadata: null, privateMetadata: null, relay: null },
    });
    for (const [reply, timeout] of [[joinWithoutRelay, 5], [undefined, 10]] as const) {
      const a = aliceWithBob(reply);
      a.advance(timeout - 0.01);
      assert.deepEqual(a.eventsOf('PeerTimeout'), []);
      a.advance(0.02);
      assert.deepEqual(a.eventsOf('PeerTimeout').map((e) => e.peer.userName), ['bob']);
      a.actions();
      a.advance(1);
      assert.ok(a.actions().every((x) => x.kind !== 'udp' || x.to.port === server.port), 'no more pings to bob');
    }
  });
});

describe('client: replaying the reference captures (bob)', () => {
  it('login without metadata and join with user metadata: byte-identical; the reference handshake pong', () => {
    const b = bobWithAlice();
    assert.deepEqual(b.eventsOf('PeerHandshake').map((e) => [e.peer.userName, e.peer.flags]), [['alice', PeerFlag.GroupCreator]]);
    b.udp(capturedUdp(PEERS, 9), alice);
    assert.deepEqual(b.eventsOf('PeerJoin').map((e) => e.peer.address), [alice]);
    const replies = udpHex(b);
    assert.equal(replies[0], hex(capturedUdp(PEERS, 12)), 'handshake pong');
    assert.equal(replies[1]?.slice(0, 64), hex(capturedUdp(PEERS, 11)).slice(0, 64), 'then a regular ping');
  });

  it("takes alice's messages in both forms and acknowledges each reliable frame in the form it came in (UDP #16–30)", () => {
    const b = bobWithAlice();
    b.udp(capturedUdp(PEERS, 9), alice);
    b.actions();
    const acks: string[] = [];
    for (const n of [16, 17, 19, 20, 22, 23, 24, 28, 29, 30]) {
      b.udp(capturedUdp(PEERS, n), alice);
      acks.push(...udpHex(b));
    }
    assert.deepEqual(acks, [18, 21, 25, 26, 27].map((n) => hex(capturedUdp(PEERS, n))));
    const got = b.eventsOf('PeerMessage').map((e) => [new TextDecoder().decode(e.data.bytes).slice(0, 12), e.data.bytes.length, e.timestamp]);
    assert.deepEqual(got, [
      ['hello peer', 10, null],
      ['hello peer', 10, 0xeeab44a8a5fb71fbn],
      ['hello peer', 10, null],
      ['hello peer', 10, 0xeeab44a90c6cfc82n],
      ['abcdefghijkl', 1000, null],
      ['abcdefghijkl', 1000, null],
    ]);
  });
});
