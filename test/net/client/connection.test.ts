import { strict as assert } from 'node:assert';
import { AOO_VERSION, AooErrorCode, DataType } from '../../../src/protocol/aoo/constants.ts';
import { ScriptedClient, describeAction, encoded } from './support/scripted.ts';

const T0 = 3_900_000_000;
const server = { address: '10.0.0.100', port: 7078 };
const me = { host: '203.0.113.5', port: 9000 };

function loginReply(token: number, version = AOO_VERSION): Uint8Array {
  return encoded({ kind: 'client/login', token, result: { ok: true, version, clientId: 7, flags: 0, metadata: null } });
}

/** Connect up to the point where the login went out. */
function loggingIn(a: ScriptedClient, options: { timeout?: number } = {}): number {
  const token = a.client.connect({ server, ...options }, a.now);
  a.udp(encoded({ kind: 'client/query', publicAddress: me }), server);
  a.client.handleTcpOpen(a.now);
  assert.deepEqual(a.actions().map(describeAction).slice(-2), ['tcp-open 10.0.0.100:7078', 'tcp server/login']);
  return token;
}

function loggedIn(start = T0): ScriptedClient {
  const a = new ScriptedClient(start);
  const token = loggingIn(a);
  a.fromServer(loginReply(token));
  assert.equal(a.lastResponse().response.result.ok, true);
  a.actions();
  return a;
}

function lastError(a: ScriptedClient): [string, number] {
  const r = a.lastResponse().response;
  assert.ok(!r.result.ok, `${r.request} succeeded`);
  return [r.request, r.result.code];
}

describe('client: connecting, failures, keep-alive (spec §11.3, §11.4; scripted server)', () => {
  it('queries every 0.25 s and fails with UDPHandshakeTimeout (1003) after exactly 5 s (or the given timeout)', () => {
    for (const [timeout, queries] of [[undefined, 20], [2, 8]] as const) {
      const a = new ScriptedClient(T0);
      a.client.connect({ server, timeout }, a.now);
      a.advance((timeout ?? 5) - 0.001);
      const sent = a.actions();
      assert.equal(sent.length, queries);
      assert.ok(sent.every((x) => describeAction(x) === 'udp 10.0.0.100:7078 server/query'));
      assert.deepEqual(a.eventsOf('Response'), []);
      a.advance(0.002);
      assert.deepEqual(lastError(a), ['connect', AooErrorCode.UDPHandshakeTimeout]);
      assert.equal(a.client.nextWakeup(), Infinity);
    }
  });

  it('takes the address query reply only from the server', () => {
    const a = new ScriptedClient(T0);
    a.client.connect({ server }, a.now);
    a.actions();
    a.udp(encoded({ kind: 'client/query', publicAddress: me }), { address: '10.0.0.66', port: 7078 });
    assert.deepEqual(a.actions(), []);
    assert.equal(a.client.drops.get('unexpected'), 1);
    assert.deepEqual(a.eventsOf('InputDropped').map((e) => e.reason), ['unexpected']);
  });

  it('wrong password (1004) or an incompatible server version (1002): the connect fails and TCP is closed', () => {
    const a = new ScriptedClient(T0);
    let token = loggingIn(a);
    a.fromServer(encoded({ kind: 'client/login', token, result: { ok: false, code: AooErrorCode.WrongPassword, systemCode: 0, message: '' } }));
    assert.deepEqual(lastError(a), ['connect', AooErrorCode.WrongPassword]);
    assert.deepEqual(a.actions().map(describeAction), ['tcp-close']);
    token = loggingIn(a);
    assert.equal(token, 1, 'tokens are not reset');
    a.fromServer(loginReply(token, '3.0'));
    assert.deepEqual(lastError(a), ['connect', AooErrorCode.VersionNotSupported]);
    assert.equal(a.client.connection, null);
  });

  it('the TCP connection breaking during login fails the connect (Socket, 16)', () => {
    const a = new ScriptedClient(T0);
    loggingIn(a);
    a.client.handleTcpClosed('ECONNRESET');
    assert.deepEqual(lastError(a), ['connect', 16]);
    const r = a.lastResponse().response.result;
    assert.equal(r.ok ? '' : r.message, 'ECONNRESET');
  });

  it('a silent server: TCP pings at 0 and 5 s, probes at 10…14 s, Disconnect (NotResponding) at 15 s; UDP keep-alive every 5 s', () => {
    const a = loggedIn();
    a.advance(14.99);
    const sent = a.actions().map(describeAction);
    assert.equal(sent.filter((s) => s === 'tcp server/ping').length, 6);
    assert.equal(sent.filter((s) => s === 'udp 10.0.0.100:7078 server/ping').length, 2);
    assert.deepEqual(a.eventsOf('Disconnect'), []);
    a.advance(0.02);
    assert.deepEqual(a.eventsOf('Disconnect').map((e) => e.code), [AooErrorCode.NotResponding]);
    assert.deepEqual(a.actions().map(describeAction), ['tcp-close']);
  });

  it('any message from the server keeps the connection alive', () => {
    const a = loggedIn();
    for (let i = 0; i < 10; i++) {
      a.advance(9);
      a.fromServer(encoded({ kind: 'client/pong' }));
    }
    assert.deepEqual(a.eventsOf('Disconnect'), []);
    assert.notEqual(a.client.connection, null);
  });

  it('answers server pings; a lost connection ends groups and fails pending requests; reconnecting works', () => {
    const a = loggedIn();
    a.fromServer(encoded({ kind: 'client/ping' }));
    assert.deepEqual(a.actions().map(describeAction), ['tcp server/pong']);
    const join = a.client.joinGroup({ group: 'g', user: 'u' }, a.now);
    a.fromServer(encoded({ kind: 'client/group/join', token: join, result: { ok: true, groupId: 3, groupFlags: 0, groupMetadata: null, userId: 0, userFlags: 0, userMetadata: null, privateMetadata: null, relay: null } }));
    const update = a.client.updateUser('g', { type: DataType.Text, bytes: new Uint8Array([1]) }, a.now);
    a.client.handleTcpClosed('ECONNRESET');
    assert.deepEqual(a.eventsOf('Disconnect').map((e) => [e.code, e.message]), [[16, 'ECONNRESET']]);
    assert.deepEqual(a.eventsOf('Response').filter((r) => r.token === update).map((r) => !r.response.result.ok && r.response.result.code), [AooErrorCode.NotConnected]);
    assert.deepEqual(a.client.groups(), []);
    const again = loggingIn(a);
    a.fromServer(loginReply(again));
    assert.equal(a.lastResponse().response.result.ok, true);
  });

  it('refuses requests it cannot make: not connected, already connected, already in the group, not in the group', () => {
    const a = new ScriptedClient(T0);
    a.client.joinGroup({ group: 'g', user: 'u' }, a.now);
    assert.deepEqual(lastError(a), ['group-join', AooErrorCode.NotConnected]);
    const b = loggedIn();
    b.client.connect({ server }, b.now);
    assert.deepEqual(lastError(b), ['connect', AooErrorCode.AlreadyConnected]);
    b.client.leaveGroup('nope', b.now);
    assert.deepEqual(lastError(b), ['group-leave', AooErrorCode.NotGroupMember]);
    const join = b.client.joinGroup({ group: 'g', user: 'u' }, b.now);
    b.fromServer(encoded({ kind: 'client/group/join', token: join, result: { ok: true, groupId: 3, groupFlags: 0, groupMetadata: null, userId: 0, userFlags: 0, userMetadata: null, privateMetadata: null, relay: null } }));
    b.actions();
    b.client.joinGroup({ group: 'g', user: 'v' }, b.now);
    assert.deepEqual(lastError(b), ['group-join', AooErrorCode.AlreadyGroupMember]);
    assert.deepEqual(b.actions(), [], 'a refused request sends nothing');
  });

  it('a broken TCP frame from the server ends the connection (BadFormat)', () => {
    const a = loggedIn();
    a.client.handleTcpData(Uint8Array.from([0, 0, 0, 6, 0x2f, 0x61, 0x6f, 0x6f, 0, 0]), a.now);
    assert.deepEqual(a.eventsOf('Disconnect').map((e) => e.code), [AooErrorCode.BadFormat]);
    assert.equal(a.client.drops.get('malformed'), 1);
  });

  it('a broken TCP frame during login fails the connect (BadFormat) at once', () => {
    const a = new ScriptedClient(T0);
    loggingIn(a);
    a.client.handleTcpData(Uint8Array.from([0, 0, 0, 5, 0x2f]), a.now);
    assert.deepEqual(lastError(a), ['connect', AooErrorCode.BadFormat]);
    assert.deepEqual(a.actions().map(describeAction), ['tcp-close']);
  });

  it('the server\'s notification in both forms (documented ",ib" and the reference\'s blob-only ",b", spec §13 #3)', () => {
    const a = loggedIn();
    a.fromServer(encoded({ kind: 'client/msg', dataType: DataType.Text, bytes: new TextEncoder().encode('hi') }));
    a.fromServer(encoded({ kind: 'client/msg', dataType: null, bytes: Uint8Array.from([1, 2]) }));
    assert.deepEqual(a.eventsOf('Notification').map((e) => [e.data.type, [...e.data.bytes]]), [
      [DataType.Text, [0x68, 0x69]],
      [-1, [1, 2]],
    ]);
  });

  it('a user disconnect closes TCP without a Disconnect event, and cancels a connect in progress', () => {
    const a = loggedIn();
    a.client.disconnect();
    assert.deepEqual(a.actions().map(describeAction), ['tcp-close']);
    assert.deepEqual(a.eventsOf('Disconnect'), []);
    const b = new ScriptedClient(T0);
    loggingIn(b);
    b.client.disconnect();
    assert.deepEqual(lastError(b), ['connect', -1]);
    assert.deepEqual(b.actions().map(describeAction), ['tcp-close']);
  });
});
