import { strict as assert } from 'node:assert';
import { hashPassword } from '../../../src/net/password.ts';
import { AOO_VERSION, AooErrorCode } from '../../../src/protocol/aoo/constants.ts';
import type { AooMessage } from '../../../src/protocol/aoo/messages.ts';
import { seededRandom } from '../../../src/util/random.ts';
import { fuzzInputs } from '../../support/fuzz-inputs.ts';
import { readVector } from '../../support/vectors.ts';
import { CoreHarness, encode, framed, json, text } from './harness.ts';

const loginMessage = (password: string, version = AOO_VERSION, token = 7): AooMessage => ({
  kind: 'server/login',
  token,
  version,
  password: hashPassword(password),
  metadata: json('{"x":1}'),
  addresses: [{ host: '127.0.0.1', port: 20001 }],
});

describe('server core: login and connections', () => {
  it('pings at once on accept, then answers a correct login with the client ID and reports the login', () => {
    const h = new CoreHarness({ password: 'serverpwd' });
    const a = h.connect();
    assert.deepEqual(h.received(a), [{ kind: 'client/ping' }]);
    h.send(a, loginMessage('serverpwd'));
    assert.deepEqual(h.received(a), [
      { kind: 'client/login', token: 7, result: { ok: true, version: AOO_VERSION, clientId: a, flags: 0, metadata: null } },
    ]);
    assert.deepEqual(h.events(), [{ type: 'ClientLogin', clientId: a, remote: '127.0.0.1:40000', error: 0, version: AOO_VERSION, metadata: json('{"x":1}') }]);
    assert.equal(h.isClosed(a), false);
    assert.equal(h.core.stats.clients, 1);
  });

  const refusals: [string, string, string, AooErrorCode][] = [
    ['a wrong password', 'nope', AOO_VERSION, AooErrorCode.WrongPassword],
    ['no password', '', AOO_VERSION, AooErrorCode.WrongPassword],
    ['version 3.0', 'serverpwd', '3.0', AooErrorCode.VersionNotSupported],
    ['version "abc"', 'serverpwd', 'abc', AooErrorCode.BadFormat],
  ];
  for (const [what, password, version, code] of refusals) {
    it(`refuses ${what} with error ${code} (,iiis token code 0 ""), then closes the connection`, () => {
      const h = new CoreHarness({ password: 'serverpwd' });
      const a = h.connect();
      h.received(a);
      h.send(a, loginMessage(password, version));
      assert.deepEqual(h.received(a), [{ kind: 'client/login', token: 7, result: { ok: false, code, systemCode: 0, message: '' } }]);
      assert.ok(h.isClosed(a));
      const types = h.outputs.map((o) => o.type);
      assert.ok(types.lastIndexOf('tcp') < types.indexOf('close'), 'the reply is written before the close');
      assert.deepEqual(h.events(), [{ type: 'ClientLogin', clientId: a, remote: '127.0.0.1:40000', error: code, version, metadata: json('{"x":1}') }]);
      h.send(a, { kind: 'server/ping' });
      assert.deepEqual(h.received(a), [], 'a closed connection gets nothing');
      assert.equal(h.core.stats.connections, 0);
    });
  }

  it('accepts any password when none is configured', () => {
    const h = new CoreHarness();
    const a = h.connect();
    h.send(a, loginMessage('whatever'));
    assert.ok(h.received(a).some((m) => m.kind === 'client/login' && m.result.ok));
  });

  it('answers a second login with AlreadyConnected and keeps the session', () => {
    const h = new CoreHarness();
    const a = h.login();
    h.send(a, loginMessage(''));
    assert.deepEqual(h.received(a), [{ kind: 'client/login', token: 7, result: { ok: false, code: AooErrorCode.AlreadyConnected, systemCode: 0, message: '' } }]);
    assert.equal(h.isClosed(a), false);
  });

  for (const m of [{ kind: 'server/pong' }, { kind: 'server/ping' }, { kind: 'server/group/leave', token: 1, groupId: 0 }] as AooMessage[]) {
    it(`closes without a reply on ${m.kind} before login (spec §11.3), counted and logged once`, () => {
      const h = new CoreHarness();
      const a = h.connect();
      const b = h.connect();
      h.received(a);
      h.send(a, m);
      h.send(b, m);
      assert.deepEqual(h.received(a), []);
      assert.ok(h.isClosed(a) && h.isClosed(b));
      assert.equal(h.core.stats.drops['tcp-before-login'], 2);
      assert.equal(h.logs().filter((r) => r.fields.reason === 'tcp-before-login').length, 1);
    });
  }

  const garbage: [string, Uint8Array][] = [
    ['a length that is not a multiple of 4', Uint8Array.from([0, 0, 0, 6, 0x2f, 0x61, 0, 0, 0, 0])],
    ['a zero length', Uint8Array.from([0, 0, 0, 0])],
    ['a frame over 64 KiB', Uint8Array.from([0, 1, 0, 4, 0x2f])],
    ['a frame that is not OSC', Uint8Array.from([0, 0, 0, 4, 0x23, 0x62, 0x75, 0x6e])],
    ['an unknown address', framed(encode({ kind: 'client/ping' }).map((b, i) => (i === 5 ? 0x78 : b)))],
    ['a message with the wrong types', framed(encode({ kind: 'server/group/leave', token: 1, groupId: 2 }).map((b, i, all) => (i === all.indexOf(0x2c) + 2 ? 0x66 : b)))],
    ['a server message that is not for TCP', framed(encode({ kind: 'server/query' }))],
  ];
  for (const [what, bytes] of garbage) {
    it(`closes a logged-in connection on ${what}; the other clients are served as before`, () => {
      const h = new CoreHarness();
      const a = h.login();
      const b = h.login();
      h.joined(a, 'g', 'alice');
      h.joined(b, 'g', 'bob');
      h.received(a);
      h.sendBytes(b, bytes);
      assert.ok(h.isClosed(b));
      assert.deepEqual(h.received(a), [{ kind: 'client/peer/leave', groupId: 0, userId: 1 }]);
      assert.equal(h.events().at(-1)?.type, 'ClientLogout');
      assert.ok(h.logs().some((r) => r.message === 'protocol-error' && r.fields.clientId === b));
      h.send(a, { kind: 'server/ping' });
      assert.deepEqual(h.received(a), [{ kind: 'client/pong' }]);
    });
  }

  it('reassembles frames split anywhere and several frames in one chunk', () => {
    const h = new CoreHarness();
    const a = h.connect();
    h.received(a);
    const bytes = new Uint8Array([...framed(encode(loginMessage(''))), ...framed(encode({ kind: 'server/ping' }))]);
    for (let i = 0; i < bytes.length; i += 3) h.sendBytes(a, bytes.subarray(i, i + 3));
    assert.deepEqual(h.received(a).map((m) => m.kind), ['client/login', 'client/pong']);
  });

  it('pings every 5 s; a client that answers stays, a silent one is removed after 10 + 5 × 1 s (NotResponding)', () => {
    const h = new CoreHarness();
    const a = h.login();
    const b = h.login();
    h.joined(a, 'g', 'alice');
    h.joined(b, 'g', 'bob');
    h.received(a);
    h.received(b);
    const pingTimes: number[] = [];
    let closedAt: number | undefined;
    for (let t = 0; t < 40; t += 0.5) {
      h.advance(0.5);
      if (closedAt === undefined && h.isClosed(b)) closedAt = h.now;
      for (const m of h.received(a)) {
        if (m.kind === 'client/ping') {
          pingTimes.push(h.now);
          h.send(a, { kind: 'server/pong' });
        }
      }
      if (h.isClosed(b) && pingTimes.length >= 7) break;
    }
    assert.deepEqual(pingTimes.slice(0, 3), [5, 10, 15]);
    const bPings = h.received(b).filter((m) => m.kind === 'client/ping').length;
    assert.equal(bPings, 1 + 5, 'a regular ping at 5 s, then probes at 10…14 s');
    assert.equal(closedAt, 15);
    const logout = h.events().find((e) => e.type === 'ClientLogout');
    assert.deepEqual(logout, { type: 'ClientLogout', clientId: b, errorCode: AooErrorCode.NotResponding, errorMessage: 'not responding' });
    assert.equal(h.isClosed(a), false);
  });

  it('a client that closes its connection leaves its groups and is reported with code 0', () => {
    const h = new CoreHarness();
    const a = h.login();
    const b = h.login();
    h.joined(a, 'g', 'alice');
    h.joined(b, 'g', 'bob');
    h.received(a);
    h.disconnect(b);
    assert.deepEqual(h.received(a), [{ kind: 'client/peer/leave', groupId: 0, userId: 1 }]);
    assert.deepEqual(h.events().slice(-2), [
      { type: 'GroupLeave', groupId: 0, userId: 1, groupName: 'g', userName: 'bob' },
      { type: 'ClientLogout', clientId: b, errorCode: 0, errorMessage: 'connection closed' },
    ]);
    h.disconnect(b);
    assert.equal(h.events().length, 7, 'a second close report changes nothing');
  });

  it('answers custom requests with UnhandledRequest (1001), or with the request handler’s result', () => {
    const data = json('{"q":1}');
    const plain = new CoreHarness();
    const a = plain.login();
    plain.send(a, { kind: 'server/request', token: 4, flags: 0, data });
    assert.deepEqual(plain.received(a), [{ kind: 'client/request', token: 4, result: { ok: false, code: 1001, systemCode: 0, message: '' } }]);

    const seen: unknown[] = [];
    const handled = new CoreHarness({
      requestHandler: (client, flags, d) => {
        seen.push([client, flags, d]);
        if (flags === 2) throw new Error('handler bug');
        return flags === 1 ? { ok: false, code: 10001, systemCode: 0, message: 'no' } : { ok: true, flags: 3, data: { type: 1, bytes: text('ok') } };
      },
    });
    const b = handled.login();
    handled.send(b, { kind: 'server/request', token: 5, flags: 0, data });
    handled.send(b, { kind: 'server/request', token: 6, flags: 1, data });
    handled.send(b, { kind: 'server/request', token: 7, flags: 2, data });
    assert.deepEqual(handled.received(b), [
      { kind: 'client/request', token: 5, result: { ok: true, flags: 3, data: { type: 1, bytes: text('ok') } } },
      { kind: 'client/request', token: 6, result: { ok: false, code: 10001, systemCode: 0, message: 'no' } },
      { kind: 'client/request', token: 7, result: { ok: false, code: 1001, systemCode: 0, message: '' } },
    ]);
    assert.deepEqual(seen[0], [b, 0, data]);
    assert.ok(handled.logs().some((r) => r.message === 'request-handler-failed' && r.fields.detail === 'handler bug'));
  });

  it('sends notifications as /aoo/client/msg ,ib to logged-in clients only', () => {
    const h = new CoreHarness();
    const a = h.login();
    const pending = h.connect();
    assert.equal(h.core.sendNotification(a, { type: 1, bytes: text('hi') }), true);
    assert.equal(h.core.sendNotification(pending, { type: 1, bytes: text('hi') }), false);
    assert.equal(h.core.sendNotification(99, { type: 1, bytes: text('hi') }), false);
    h.collect();
    assert.deepEqual(h.received(a), [{ kind: 'client/msg', dataType: 1, bytes: text('hi') }]);
  });

  it('survives 3,000 mutated client frames (framed and raw): nothing throws, bad ones close only their connection', () => {
    const h = new CoreHarness({ relay: true, unauthenticatedLimit: { burst: 1e9, perSecond: 0 } });
    const member = h.login();
    h.joined(member, 'grp', 'keeper');
    const seeds = readVector('ref-client-server-tcp.txt').packets.filter((p) => p.from !== 'S').map((p) => p.bytes);
    const rnd = seededRandom(11);
    let closed = 0;
    for (const bytes of fuzzInputs(seeds, rnd, 3000)) {
      const id = h.login();
      h.sendBytes(id, rnd() < 0.8 ? framed(bytes) : bytes);
      if (h.isClosed(id)) closed++;
      else h.disconnect(id);
    }
    assert.ok(closed > 1000, `${closed} closed`);
    assert.equal(h.core.stats.connections, 1);
    h.received(member);
    h.send(member, { kind: 'server/ping' });
    assert.deepEqual(h.received(member), [{ kind: 'client/pong' }]);
  });
});
