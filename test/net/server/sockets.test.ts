import { strict as assert } from 'node:assert';
import { AooServer } from '../../../src/net/server/aoo-server.ts';
import type { ServerEvent } from '../../../src/net/server/events.ts';
import { hashPassword } from '../../../src/net/password.ts';
import { AOO_VERSION } from '../../../src/protocol/aoo/constants.ts';
import { wrapForRelay } from '../../../src/protocol/aoo/relay.ts';
import { decode, encode, json } from './harness.ts';
import { RawTcpClient, RawUdpSocket } from './raw-client.ts';

describe('AooServer on real sockets (loopback)', () => {
  let server: AooServer | undefined;
  const open: { close(): void }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) o.close();
    await server?.close();
    server = undefined;
  });

  async function tcp(host: string): Promise<RawTcpClient> {
    const c = await RawTcpClient.connect(host, server!.port);
    open.push(c);
    return c;
  }

  async function udp(host: string): Promise<RawUdpSocket> {
    const s = await RawUdpSocket.open(host);
    open.push(s);
    return s;
  }

  /** Logs in over TCP, announcing `udpPort` on the TCP connection's own IP. */
  async function login(c: RawTcpClient, udpPort: number, password: string): Promise<number> {
    c.send({ kind: 'server/login', token: 0, version: AOO_VERSION, password: hashPassword(password), metadata: null, addresses: [{ host: c.localAddress, port: udpPort }] });
    const reply = await c.next('client/login');
    assert.ok(reply.result.ok);
    return reply.result.clientId;
  }

  function join(c: RawTcpClient, user: string): void {
    c.send({ kind: 'server/group/join', token: 1, groupName: 'g', groupPassword: '', groupMetadata: null, userName: user, userPassword: '', userMetadata: json(`{"n":"${user}"}`), relay: null });
  }

  for (const host of ['127.0.0.1', '::1']) {
    it(`serves TCP and UDP on one port on ${host}: login, join, peer join, address query, ping, relay`, async () => {
      const events: ServerEvent[] = [];
      server = await AooServer.listen({ port: 0, host, password: 'pw', relay: true, onEvent: (e) => events.push(e) });
      const [a, b] = [await tcp(host), await tcp(host)];
      const [ua, ub] = [await udp(host), await udp(host)];
      assert.equal((await a.next('client/ping')).kind, 'client/ping', 'pinged on accept');
      await login(a, ua.port, 'pw');
      await login(b, ub.port, 'pw');
      join(a, 'alice');
      assert.ok((await a.next('client/group/join')).result.ok);
      join(b, 'bob');
      assert.ok((await b.next('client/group/join')).result.ok);
      const peer = await a.next('client/peer/join');
      assert.deepEqual([peer.userName, peer.addresses], ['bob', [{ host: b.localAddress, port: ub.port }]]);

      ua.send(encode({ kind: 'server/query' }), host, server.port);
      const query = decode((await ua.next()).bytes);
      assert.deepEqual(query, { kind: 'client/query', publicAddress: { host, port: ua.port } });
      ua.send(encode({ kind: 'server/ping' }), host, server.port);
      assert.deepEqual(decode((await ua.next()).bytes), { kind: 'client/pong' });

      const packet = encode({ kind: 'peer/ping', groupId: 0, senderId: 0, t1: null });
      const wrapped = new Uint8Array(64);
      const n = wrapForRelay(wrapped, 0, 'binary', { host, port: ub.port }, packet);
      ua.send(wrapped.subarray(0, n), host, server.port);
      const relayed = await ub.next();
      assert.equal(relayed.from.port, server.port);
      assert.deepEqual(decode(relayed.bytes), { kind: 'relay', form: 'binary', address: { host, port: ua.port }, packet });
      assert.deepEqual(events.map((e) => e.type), ['ClientLogin', 'ClientLogin', 'GroupAdd', 'GroupJoin', 'GroupJoin']);
    });
  }

  it('listens on IPv4 and IPv6 at once without a host', async () => {
    server = await AooServer.listen({ port: 0 });
    for (const host of ['127.0.0.1', '::1']) {
      const c = await tcp(host);
      const u = await udp(host);
      await login(c, u.port, '');
      u.send(encode({ kind: 'server/ping' }), host, server.port);
      assert.deepEqual(decode((await u.next()).bytes), { kind: 'client/pong' });
    }
  });

  const bad: [string, Uint8Array][] = [
    ['an oversized frame', Uint8Array.from([0x00, 0x01, 0x00, 0x04, 0x2f])],
    ['garbage', new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')],
  ];
  for (const [what, bytes] of bad) {
    it(`closes a connection that sends ${what} and keeps serving the others`, async () => {
      server = await AooServer.listen({ port: 0, host: '127.0.0.1' });
      const good = await tcp('127.0.0.1');
      await login(good, 1, '');
      const evil = await tcp('127.0.0.1');
      await login(evil, 2, '');
      evil.sendBytes(bytes);
      await evil.whenClosed();
      good.send({ kind: 'server/ping' });
      assert.equal((await good.next('client/pong')).kind, 'client/pong');
      assert.equal(server.core.stats.clients, 1);
    });
  }

  it('writes a refused login before closing the connection', async () => {
    server = await AooServer.listen({ port: 0, host: '127.0.0.1', password: 'right' });
    const c = await tcp('127.0.0.1');
    c.send({ kind: 'server/login', token: 3, version: AOO_VERSION, password: hashPassword('wrong'), metadata: null, addresses: [] });
    const reply = await c.next('client/login');
    assert.deepEqual(reply.result, { ok: false, code: 1004, systemCode: 0, message: '' });
    await c.whenClosed();
  });
});
