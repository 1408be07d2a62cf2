import { strict as assert } from 'node:assert';
import { PeerFlag } from '../../../src/net/client/events.ts';
import { DataType } from '../../../src/protocol/aoo/constants.ts';
import { type SimClient, SimWorld, cut, groupWorld, joinedPeers } from './support/sim-world.ts';

const json = (text: string) => ({ type: DataType.Json, bytes: new TextEncoder().encode(text) });
const textOf = (d: { bytes: Uint8Array } | null | undefined) => (d ? new TextDecoder().decode(d.bytes) : null);

describe('client: groups and peers with the server core (simulated)', () => {
  it("two clients complete the handshake at each other's real address and measure the round trip", () => {
    const { w, clients } = groupWorld(['alice', 'bob'], { seed: 3, link: { latency: 0.005 } });
    const [alice, bob] = clients as [SimClient, SimClient];
    w.runUntilTrue(() => alice.eventsOf('PeerPing').length > 0 && bob.eventsOf('PeerPing').length > 0, 1, 'first pongs');
    assert.deepEqual(
      alice.events.map((e) => e.type),
      ['Response', 'Response', 'PeerHandshake', 'PeerJoin', 'PeerPing'],
    );
    assert.deepEqual(alice.eventsOf('PeerJoin')[0]?.peer.address, bob.address);
    assert.deepEqual(bob.eventsOf('PeerJoin')[0]?.peer.address, alice.address);
    assert.equal(alice.eventsOf('PeerJoin')[0]?.peer.relay, null);
    const rtt = alice.eventsOf('PeerPing')[0]!.rtt;
    assert.ok(Math.abs(rtt - 0.01) < 1e-6, `rtt ${rtt}`);
    assert.deepEqual(alice.client.peerAddress('grp', 'bob'), bob.address);
    assert.equal(alice.client.peerAt(bob.address)?.userName, 'bob');
  });

  it('four clients in one group each see the three others with their metadata; leave and metadata updates reach the others', () => {
    const names = ['ann', 'ben', 'cat', 'dan'];
    const { w, clients } = groupWorld(names, { seed: 4, link: { latency: 0.003, jitter: 0.002 } });
    w.runUntilTrue(() => clients.every((c) => joinedPeers(c).length === 3), 2, 'all handshakes');
    for (const c of clients) {
      assert.deepEqual(joinedPeers(c), names.filter((n) => n !== c.name));
      for (const p of c.client.peers()) {
        assert.equal(textOf(p.metadata), `{"name":"${p.userName}"}`);
        assert.deepEqual(p.address, clients[names.indexOf(p.userName)]!.address);
      }
    }
    const [ann, ben, cat, dan] = clients as [SimClient, SimClient, SimClient, SimClient];

    assert.equal(w.request(ann, (now) => ann.client.updateGroup('grp', json('{"tempo":120}'), now)).result.ok, true);
    assert.equal(w.request(ben, (now) => ben.client.updateUser('grp', json('{"name":"ben","gear":"cello"}'), now)).result.ok, true);
    w.run(0.1);
    for (const c of [ben, cat, dan]) assert.deepEqual(c.eventsOf('GroupUpdate').map((e) => [textOf(e.metadata), e.userId]), [['{"tempo":120}', 0]]);
    assert.equal(textOf(ann.client.groups()[0]?.groupMetadata), '{"tempo":120}');
    for (const c of [ann, cat, dan]) {
      assert.deepEqual(c.eventsOf('PeerUpdate').map((e) => [e.peer.userName, textOf(e.metadata)]), [['ben', '{"name":"ben","gear":"cello"}']]);
    }

    assert.equal(w.request(dan, (now) => dan.client.leaveGroup('grp', now)).result.ok, true);
    w.run(0.1);
    for (const c of [ann, ben, cat]) {
      assert.deepEqual(c.eventsOf('PeerLeave').map((e) => e.peer.userName), ['dan']);
      assert.deepEqual(c.client.peers().map((p) => p.userName).sort(), names.filter((n) => n !== c.name && n !== 'dan'));
    }
    assert.deepEqual(dan.client.peers(), []);
    assert.deepEqual(dan.client.groups(), []);
  });

  it('unreachable candidate addresses do not matter: the address that answers is used', () => {
    const w = new SimWorld({ seed: 5 });
    const clients = [w.addClient('alice', '10.0.0.1:9000'), w.addClient('bob', '10.0.0.2:9000')];
    for (const c of clients) {
      const token = c.client.connect({ server: w.serverAddress, localAddresses: [{ address: '192.168.77.1', port: 9000 }, { address: 'fd00::77', port: 9000 }] }, w.now);
      w.runUntilTrue(() => c.response(token) !== undefined, 5);
      w.request(c, (now) => c.client.joinGroup({ group: 'g', user: c.name }, now));
    }
    const [alice, bob] = clients as [SimClient, SimClient];
    w.runUntilTrue(() => joinedPeers(alice).length === 1 && joinedPeers(bob).length === 1, 1);
    assert.deepEqual(alice.client.peerAddress('g', 'bob'), bob.address);
  });

  it('direct path blocked: after 5 s the handshake goes through the server relay, and the peers connect there', () => {
    const { w, clients } = groupWorld(['alice', 'bob'], { seed: 6, server: { relay: true }, links: cut('alice', 'bob') });
    const [alice, bob] = clients as [SimClient, SimClient];
    const start = w.now;
    w.runUntilTrue(() => joinedPeers(alice).length === 1 && joinedPeers(bob).length === 1, 7, 'relayed handshake');
    assert.ok(w.now - start > 4.9, `connected after ${w.now - start} s`);
    for (const [c, other] of [[alice, bob], [bob, alice]] as const) {
      const peer = c.eventsOf('PeerJoin')[0]!.peer;
      assert.deepEqual(peer.address, other.address, "the relay reports the peer's own address");
      assert.deepEqual(peer.relay, w.serverAddress);
      assert.equal(peer.flags & PeerFlag.NeedRelay, PeerFlag.NeedRelay);
      assert.deepEqual(c.client.relayFor(other.address), w.serverAddress);
    }
    w.runUntilTrue(() => alice.eventsOf('PeerPing').length > 0, 1, 'ping through the relay');
    assert.ok(w.server.stats.relayedPackets > 0);
  });

  it('one direction blocked: the side that cannot be heard falls back to the relay, and the other answers through it', () => {
    const { w, clients } = groupWorld(['alice', 'bob'], { seed: 17, server: { relay: true }, links: [{ from: 'bob', to: 'alice', config: { loss: 1 } }] });
    const [alice, bob] = clients as [SimClient, SimClient];
    w.runUntilTrue(() => joinedPeers(alice).length === 1, 7, 'alice connects through the relay');
    assert.deepEqual(alice.client.relayFor(bob.address), w.serverAddress);
    assert.deepEqual(bob.client.relayFor(alice.address), w.serverAddress, 'bob switched to the relay');
    assert.deepEqual(bob.client.peers()[0]?.relay, w.serverAddress);
    alice.client.sendMessage({}, json('"to bob"'), { reliable: true }, w.now);
    bob.client.sendMessage({}, json('"to alice"'), { reliable: true }, w.now);
    w.runUntilTrue(() => alice.eventsOf('PeerMessage').length === 1 && bob.eventsOf('PeerMessage').length === 1, 2, 'messages both ways');
    assert.deepEqual(alice.eventsOf('PeerTimeout'), []);
  });

  it('direct path blocked and no relay: PeerTimeout after 5 s, and messages go nowhere', () => {
    const { w, clients } = groupWorld(['alice', 'bob'], { seed: 7, links: cut('alice', 'bob') });
    const [alice, bob] = clients as [SimClient, SimClient];
    w.run(4.9);
    assert.deepEqual(alice.eventsOf('PeerTimeout'), []);
    w.run(0.2);
    assert.deepEqual(alice.eventsOf('PeerTimeout').map((e) => e.peer.userName), ['bob']);
    assert.deepEqual(bob.eventsOf('PeerTimeout').map((e) => e.peer.userName), ['alice']);
    const sent = alice.client.sendMessage({}, json('{}'), { reliable: true }, w.now);
    assert.deepEqual(sent, { ok: true, value: 0 });
  });

  it('a connected peer that goes silent becomes inactive after 15 s, and active again when it answers', () => {
    const { w, clients } = groupWorld(['alice', 'bob'], { seed: 8 });
    const [alice, bob] = clients as [SimClient, SimClient];
    w.runUntilTrue(() => joinedPeers(alice).length === 1, 1);
    w.net.setPath(alice.key, bob.key, { loss: 1 });
    const silent = w.now;
    w.runUntilTrue(() => alice.eventsOf('PeerState').length > 0, 20, 'inactive');
    assert.ok(w.now - silent > 14 && w.now - silent < 16, `inactive after ${w.now - silent} s`);
    assert.deepEqual(alice.eventsOf('PeerState').map((e) => e.active), [false]);
    w.net.setPath(alice.key, bob.key, { latency: 0.005 });
    w.runUntilTrue(() => alice.eventsOf('PeerState').length > 1, 6, 'active again');
    assert.deepEqual(alice.eventsOf('PeerState').map((e) => e.active), [false, true]);
  });

  it('the server ejects a user: GroupEject for it, PeerLeave for the others', () => {
    const { w, clients } = groupWorld(['alice', 'bob'], { seed: 10 });
    const [alice, bob] = clients as [SimClient, SimClient];
    w.runUntilTrue(() => joinedPeers(alice).length === 1 && joinedPeers(bob).length === 1, 1);
    const group = bob.client.groups()[0]!;
    assert.equal(w.server.ejectUser(group.groupId, group.userId), true);
    w.run(0.1);
    assert.deepEqual(bob.eventsOf('GroupEject').map((e) => e.group.groupName), ['grp']);
    assert.deepEqual(bob.client.groups(), []);
    assert.deepEqual(alice.eventsOf('PeerLeave').map((e) => e.peer.userName), ['bob']);
  });

  it('after a disconnect, connecting and joining again finds the peers again', () => {
    const { w, clients } = groupWorld(['alice', 'bob'], { seed: 9 });
    const [alice, bob] = clients as [SimClient, SimClient];
    w.runUntilTrue(() => joinedPeers(bob).length === 1, 1);
    alice.client.disconnect();
    w.run(0.1);
    assert.deepEqual(alice.client.peers(), []);
    assert.deepEqual(bob.eventsOf('PeerLeave').map((e) => e.peer.userName), ['alice']);
    assert.equal(w.connect(alice).result.ok, true);
    assert.equal(w.request(alice, (now) => alice.client.joinGroup({ group: 'grp', user: 'alice' }, now)).result.ok, true);
    w.runUntilTrue(() => joinedPeers(bob).length === 2 && joinedPeers(alice).length === 2, 1, 'second handshake');
  });
});
