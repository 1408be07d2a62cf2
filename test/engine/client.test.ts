import { strict as assert } from 'node:assert';
import { wrapForRelay } from '../../src/protocol/aoo/relay.ts';
import { GROUP, SERVER_PORT, eventsNamed, keepList, room } from './room.ts';
import { SimEngine } from './sim-engine.ts';

/** The delay (ms) of a `msg <delay> …` event line. */
function delayOf(line: string | undefined): number {
  const m = /^msg (\S+) /.exec(line ?? '');
  assert.ok(m, `not a msg event: ${line}`);
  return Number(m[1]);
}

function near(actual: number, expected: number, tolerance = 1): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual}, expected ${expected} ± ${tolerance}`);
}

describe('engine aoo.client and aoo.server (simulated time)', () => {
  it('connects, joins a group and meets the other peer, with the reference events on both objects', async () => {
    const sim = new SimEngine();
    const server = sim.host();
    server.openNet('server', SERVER_PORT);
    const [alice, bob] = [sim.host(), sim.host()];
    alice.openNet('client', 9000);
    bob.openNet('client', 9001);
    await sim.settle();
    alice.method('connect', '127.0.0.1', SERVER_PORT);
    // The server answers a stranger's address query with no more bytes than it sent: the second query.
    await sim.run(0.5);
    assert.deepEqual(alice.events(), ['connection 1']);
    assert.deepEqual(server.events(), ['client_add 0x0', 'clients 1']);
    alice.method('group_join', GROUP, '_', 'alice');
    await sim.run(0.2);
    assert.deepEqual(alice.events(), ['group_join band 1 0']);
    assert.deepEqual(server.events(), ['group_add band', 'group_join band alice 0']);

    bob.method('connect', 'localhost', SERVER_PORT);
    bob.method('group_join', GROUP, '_', 'bob');
    await sim.run(0.8);
    const withoutPings = (events: string[]) => events.filter((e) => !e.startsWith('peer_ping '));
    assert.deepEqual(withoutPings(bob.events()), [
      'connection 1',
      'group_join band 1 1',
      'peer_handshake band alice 0',
      'peer_join band alice 0 127.0.0.1 9000',
    ]);
    assert.deepEqual(withoutPings(alice.events()), ['peer_handshake band bob 1', 'peer_join band bob 1 127.0.0.1 9001']);
    assert.deepEqual(server.events(), ['client_add 0x1', 'clients 2', 'group_join band bob 1']);
    bob.method('peer_list');
    assert.deepEqual(bob.events(), ['peer band alice 0 127.0.0.1 9000']);
    for (const h of [server, alice, bob]) assert.deepEqual(h.errors(), []);

    alice.events();
    await sim.run(5.5);
    const pings = bob.events();
    assert.ok(pings.length >= 1 && pings.every((p) => /^peer_ping band alice 0 127\.0\.0\.1 9000( [-\d.e]+){4}$/.test(p)), pings.join('\n'));

    bob.method('group_leave', GROUP);
    await sim.run(0.2);
    assert.deepEqual(bob.events(), ['group_leave band 1']);
    assert.deepEqual(withoutPings(alice.events()), ['peer_leave band bob 1 127.0.0.1 9001']);
    assert.deepEqual(server.events(), ['group_leave band bob 1']);
    bob.method('disconnect');
    await sim.run(0.2);
    assert.deepEqual(bob.events(), ['connection 0']);
    assert.deepEqual(server.events(), ['client_remove 0x1', 'clients 1']);
  });

  it('keeps the connection and the groups for a restart; a new engine object gets them back in order', async () => {
    const sim = new SimEngine();
    const server = sim.host();
    server.openNet('server', SERVER_PORT);
    const alice = sim.host();
    alice.openNet('client', 9000);
    await sim.settle();
    alice.method('reliable', 1);
    alice.method('connect', '127.0.0.1', SERVER_PORT, 'secret');
    alice.method('group_join', GROUP, 'gpw', 'alice', 'upw');
    await sim.run(0.6);
    assert.deepEqual(keepList(alice), ['reliable 1', 'connect 127.0.0.1 7078 secret', 'group_join band gpw alice upw']);
    // A setting changed on its own is kept too.
    alice.method('delay', 20);
    await sim.run(0.1);
    const kept = keepList(alice);
    assert.deepEqual(kept, ['reliable 1', 'delay 20', 'connect 127.0.0.1 7078 secret', 'group_join band gpw alice upw']);

    // The engine forgets the object (its host went quiet); the host comes back and replays what it kept.
    alice.silent = true;
    await sim.run(6);
    assert.equal(sim.engine.objectCount, 1);
    assert.deepEqual(eventsNamed(server.events(), 'client_remove'), ['client_remove 0x0']);
    alice.silent = false;
    alice.take();
    alice.openNet('client', 9000);
    assert.deepEqual(alice.take('/ready'), [{ address: '/ready', atoms: [1] }]);
    for (const line of kept) {
      const [selector, ...args] = line.split(' ');
      alice.method(selector!, ...args.map((a) => (/^\d+$/.test(a) ? Number(a) : a)));
    }
    await sim.run(0.6);
    assert.deepEqual(alice.errors(), []);
    assert.deepEqual(alice.events(), ['connection 1', 'group_join band 1 0']);
  });

  it('sends messages to all, a group, a peer or the target; received ones come out at their time (offset, delay, schedule)', async () => {
    const { sim, clients } = await room(['alice', 'bob', 'carol']);
    const [alice, bob, carol] = clients as [typeof clients[0], typeof clients[0], typeof clients[0]];
    alice.method('broadcast', 'text', 104, 105);
    alice.method('send_peer', GROUP, 'bob', 'int32', -7, 8);
    alice.method('target', GROUP, 'carol');
    alice.method('list', 'f', 0.5);
    await sim.run(0.05);
    assert.deepEqual(bob.events(), ['msg 0 band alice text 104 105', 'msg 0 band alice f -7 8']);
    assert.deepEqual(carol.events(), ['msg 0 band alice text 104 105', 'msg 0 band alice f 0.5']);

    // A timestamp 200 ms ahead: the message waits its time at the receiver.
    alice.method('offset', 200);
    alice.method('reliable', 1);
    alice.method('send_group', GROUP, 'raw', 1, 2, 3);
    sim.udp.deliver();
    await sim.run(0.15);
    assert.deepEqual(bob.events(), []);
    await sim.run(0.1);
    for (const h of [bob, carol]) {
      const [timed, ...more] = h.events();
      near(delayOf(timed), 200);
      assert.match(timed ?? '', / band alice raw 1 2 3$/);
      assert.deepEqual(more, []);
    }

    // Without scheduling it comes at once, with its delay; a late one is dropped with discard_late.
    bob.method('schedule', 0);
    alice.method('send_peer', GROUP, 'bob', 'text', 49);
    sim.udp.deliver();
    const [atOnce] = bob.events();
    near(delayOf(atOnce), 200);
    assert.match(atOnce ?? '', / band alice text 49$/);
    bob.method('schedule', 1);
    bob.method('delay', -1000);
    bob.method('discard_late', 1);
    carol.method('delay', -1000);
    alice.method('broadcast', 'text', 50);
    sim.udp.deliver();
    assert.deepEqual(bob.events(), [], 'late: dropped');
    const [late] = carol.events();
    near(delayOf(late), -800);
    assert.match(late ?? '', / band alice text 50$/, 'late: output at once');
    for (const h of clients) assert.deepEqual(h.errors(), []);
  });

  it('refuses bad messages with a clear error and changes nothing', async () => {
    const { sim, server, clients } = await room(['alice', 'bob']);
    const [alice] = clients as [typeof clients[0]];
    const bad: [string, ...(string | number)[]][] = [
      ['connect', '127.0.0.1', SERVER_PORT],
      ['connect', '127.0.0.1'],
      ['group_join', GROUP],
      ['group_leave', 'nosuchgroup'],
      ['send_peer', GROUP, 'nobody', 'text', 1],
      ['broadcast', 'text', 300],
      ['broadcast', 'nosuchtype', 1],
      ['target', 'a', 'b', 'c'],
      ['packetsize', 100],
      ['binary', 1.5],
      ['offset', 'soon'],
      ['group_join', GROUP, 'wrong', 'zed'],
      ['id', 3],
      ['frobnicate'],
    ];
    for (const [selector, ...args] of bad.slice(0, 9)) alice.method(selector, ...args);
    server.method('relay', 2);
    server.method('frobnicate');
    server.method('port', -1);
    await sim.run(0.2);
    assert.deepEqual(alice.errors(), [
      'aoo.client 9000: connect: already connected (disconnect first)',
      'aoo.client 9000: connect: expects <host> <port> [<password>]',
      'aoo.client 9000: group_join: expects <group> <group-password> <user> [<user-password>]',
      'aoo.client 9000: group_leave: cannot leave group "nosuchgroup": error 1010 (NotGroupMember): not in group "nosuchgroup"',
      'aoo.client 9000: send_peer: no peer "nobody" in group "band" (yet)',
      'aoo.client 9000: broadcast: text data: 300 is not a byte (0…255)',
      'aoo.client 9000: broadcast: unknown data type "nosuchtype"',
      'aoo.client 9000: target: expects nothing (all peers) or <group> or <group> <user>',
      'aoo.client 9000: packetsize: expects a whole number 150…4096 (got 100)',
    ]);
    await sim.run(1);
    for (const [selector, ...args] of bad.slice(9)) alice.method(selector, ...args);
    await sim.run(0.1);
    assert.deepEqual(alice.errors(), [
      'aoo.client 9000: binary: expects 0 or 1 (got 1.5)',
      'aoo.client 9000: offset: expects a number -1…3600000 (got soon)',
      'aoo.client 9000: group_join: cannot join group "band" as "zed": error 1009 (AlreadyGroupMember): already in group "band"',
      'aoo.client 9000: unknown method "id"',
      'aoo.client 9000: unknown method "frobnicate"',
    ]);
    assert.deepEqual(server.errors(), [
      'aoo.server 7078: relay: expects 0 or 1 (got 2)',
      'aoo.server 7078: unknown method "frobnicate"',
      'aoo.server 7078: port: expects a port number 0…65535',
    ]);
    assert.deepEqual(alice.events(), ['group_leave nosuchgroup 0', 'group_join band 0']);
    assert.deepEqual(server.events(), []);
    assert.deepEqual(keepList(alice), [], 'nothing to keep changed');
    // Still connected and in the group: a message still arrives.
    alice.method('broadcast', 'text', 33);
    await sim.run(0.05);
    assert.deepEqual(clients[1]!.events(), ['msg 0 band alice text 33']);
  });

  it('allows one client per port; a second one gets a clear error', async () => {
    const sim = new SimEngine();
    const [a, b] = [sim.host(), sim.host()];
    a.openNet('client', 9000);
    b.openNet('client', 9000);
    assert.deepEqual(b.take('/ready'), []);
    assert.deepEqual(b.errors(), ['aoo.client: port 9000 is already used by another aoo.client']);
    b.openNet('client', 9001);
    assert.deepEqual(b.take('/ready'), [{ address: '/ready', atoms: [1] }]);
    b.method('port', 9000);
    assert.deepEqual(b.errors(), ['aoo.client 9001: port: port 9000 is already used by another aoo.client']);
  });

  it('a server that goes away: its clients report the disconnect (error, connection 0)', async () => {
    const { sim, server, clients } = await room(['alice']);
    server.method('port', 0);
    await sim.run(0.2);
    assert.deepEqual(server.events(), ['clients 0']);
    assert.deepEqual(clients[0]!.events(), ['connection 0']);
    assert.deepEqual(clients[0]!.errors(), ['aoo.client 9000: disconnected from the server: connection reset']);
  });

  it('survives garbage on the client port and hostile peer messages: counted, logged once', async () => {
    const { sim, clients } = await room(['alice', 'bob']);
    for (let i = 0; i < 100; i++) {
      sim.udp.post({ from: { address: '127.0.0.1', port: 9999 }, to: { address: '127.0.0.1', port: 9000 }, bytes: Uint8Array.of(0x2f, 0x61, 0x6f, 0x6f, i) });
      sim.udp.post({ from: { address: '127.0.0.1', port: 9999 }, to: { address: '127.0.0.1', port: 9000 }, bytes: new TextEncoder().encode('/aoo/peer/msg\0\0\0,iiiiiiib\0\0\0\0') });
    }
    await sim.run(0.1);
    assert.deepEqual(clients[0]!.errors(), []);
    assert.equal(sim.log.filter((l) => l.startsWith('aoo.client 9000: dropped a malformed packet')).length, 1, sim.log.join('\n'));
    clients[1]!.method('broadcast', 'text', 1);
    await sim.run(0.05);
    assert.deepEqual(clients[0]!.events(), ['msg 0 band bob text 1'], 'the client still works');
  });

  it('holds at most 1024 received messages for their time; more are dropped, with one error', async () => {
    const { sim, clients } = await room(['alice', 'bob']);
    const [alice, bob] = clients as [(typeof clients)[0], (typeof clients)[0]];
    alice.method('offset', 1000);
    for (let i = 0; i < 1030; i++) alice.method('send_peer', GROUP, 'bob', 'int32', i);
    await sim.run(0.5);
    assert.deepEqual(bob.errors(), ['aoo.client 9001: more than 1024 messages wait for their time: dropping them']);
    assert.deepEqual(bob.events(), []);
    await sim.run(1);
    const got = eventsNamed(bob.events(), 'msg');
    assert.equal(got.length, 1024);
    assert.deepEqual(
      got.map((e) => Number(e.split(' ').at(-1))),
      Array.from({ length: 1024 }, (_, i) => i),
    );
  });

  it('moves to another port: the connection ends, the new port is kept for a restart', async () => {
    const { sim, server, clients } = await room(['alice']);
    const [alice] = clients as [(typeof clients)[0]];
    alice.method('port', 9009);
    await sim.run(0.1);
    assert.deepEqual(alice.events(), ['connection 0']);
    assert.deepEqual(keepList(alice), ['port 9009']);
    assert.deepEqual(eventsNamed(server.events(), 'client_remove'), ['client_remove 0x0']);
    alice.method('connect', '127.0.0.1', SERVER_PORT);
    await sim.run(0.6);
    assert.deepEqual(alice.events(), ['connection 1']);
    assert.ok(sim.udp.isOpen(9009) && !sim.udp.isOpen(9000));
  });

  it('aoo.server relay 1|0 switches the running server: nobody is dropped, relay packets go through only while on', async () => {
    const { sim, server, clients } = await room(['alice', 'bob']);
    const running = sim.servers.at(SERVER_PORT)!;
    const alice = { address: '127.0.0.1', port: 9000 };
    const relayToBob = (): number => {
      const before = running.core.stats.relayedPackets;
      const bytes = new Uint8Array(64);
      const n = wrapForRelay(bytes, 0, 'binary', { host: '127.0.0.1', port: 9001 }, new Uint8Array(24));
      sim.udp.post({ from: alice, to: { address: '127.0.0.1', port: SERVER_PORT }, bytes: bytes.subarray(0, n) });
      sim.udp.deliver();
      return running.core.stats.relayedPackets - before;
    };
    assert.equal(relayToBob(), 0);
    server.method('relay', 1);
    await sim.run(0.5);
    assert.equal(relayToBob(), 1);
    assert.deepEqual(keepList(server), ['relay 1']);
    server.method('relay', 0);
    await sim.run(0.5);
    assert.equal(relayToBob(), 0);
    assert.equal(sim.servers.at(SERVER_PORT), running, 'the same server ran throughout');
    assert.deepEqual([...server.events(), ...server.errors()], []);
    for (const c of clients) {
      assert.deepEqual(c.errors(), []);
      assert.deepEqual(eventsNamed(c.events(), 'connection'), []);
    }
  });
});
