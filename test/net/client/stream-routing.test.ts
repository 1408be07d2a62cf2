import { strict as assert } from 'node:assert';
import { type UdpAddress, formatAddress } from '../../../src/net/address.ts';
import { decodeAoo } from '../../../src/protocol/aoo/messages.ts';
import type { PacketOut } from '../../../src/stream/endpoint.ts';
import { BS, SR, makeSink, makeSource } from '../../stream/setup.ts';
import { type SimClient, type SimWorld, cut, groupWorld } from './support/sim-world.ts';

/** Alice and bob in group "grp", handshakes done; the direct path blocked if `relayed`. */
function pair(relayed: boolean, seed: number): { w: SimWorld; alice: SimClient; bob: SimClient } {
  const { w, clients } = groupWorld(['alice', 'bob'], { seed, link: { latency: 0.005 }, server: { relay: true }, links: relayed ? cut('alice', 'bob') : [] });
  const [alice, bob] = clients as [SimClient, SimClient];
  w.runUntilTrue(() => alice.eventsOf('PeerJoin').length === 1 && bob.eventsOf('PeerJoin').length === 1, 12, 'handshakes');
  return { w, alice, bob };
}

/** What goes out of `c`'s UDP socket into the simulated network. */
function socketOut(w: SimWorld, c: SimClient): PacketOut {
  return (bytes, to) => w.net.send(c.key, formatAddress(to), bytes, w.now);
}

describe('client: addressing sources and sinks by group and user name (spec §11.9, §12)', () => {
  it('a direct peer: streamOut passes packets through unchanged', () => {
    const { alice, bob } = pair(false, 21);
    const to = alice.client.peerAddress('grp', 'bob');
    assert.deepEqual(to, bob.address);
    const sent: [Uint8Array, UdpAddress][] = [];
    const packet = Uint8Array.from([0x81, 0, 2, 1, 1, 2, 3]);
    alice.client.streamOut((bytes, dest) => sent.push([bytes, dest]))(packet, to!);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]![0], packet);
    assert.equal(alice.client.relayFor(bob.address), null);
    assert.equal(alice.client.peerAddress('grp', 'nobody'), null);
  });

  it('a relayed peer: PCM audio from a Source on alice reaches a Sink on bob through the relay, bit-exact, and the sink\'s replies come back', () => {
    const { w, alice, bob } = pair(true, 22);
    const bobAddress = alice.client.peerAddress('grp', 'bob');
    assert.deepEqual(bobAddress, bob.address);
    assert.deepEqual(alice.client.relayFor(bob.address), w.serverAddress);

    const source = makeSource(1, 2, 1, { pingInterval: 0.2 });
    const sink = makeSink(2, 2, 2, { latency: 0.05 });
    source.addSink({ ...bob.address, id: 2 });
    source.startStream();
    const input = new Float32Array(2 * BS).fill(0.5, 0, BS).fill(-0.25, BS);
    const output = new Float32Array(2 * BS);
    const aliceOut = alice.client.streamOut(socketOut(w, alice));
    const bobOut = bob.client.streamOut(socketOut(w, bob));
    let exactBlocks = 0;
    for (let block = 0; block < SR / BS; block++) {
      source.process(input, w.now);
      source.send(aliceOut);
      w.run(BS / SR);
      for (const d of bob.delivered.splice(0)) {
        const m = decodeAoo(d.bytes);
        assert.ok(m.ok);
        assert.deepEqual(d.from, alice.address, 'relayed packets come from the peer\'s own address');
        sink.handleMessage(m.value, d.from, w.now);
      }
      for (const d of alice.delivered.splice(0)) {
        const m = decodeAoo(d.bytes);
        assert.ok(m.ok);
        source.handleMessage(m.value, d.from, w.now);
      }
      sink.process(output, w.now);
      sink.send(bobOut);
      if (output[0] === 0.5 && output[BS] === -0.25 && output[BS - 1] === 0.5 && output[2 * BS - 1] === -0.25) exactBlocks++;
    }
    assert.ok(exactBlocks > (SR / BS) * 0.8, `${exactBlocks} exact blocks of ${SR / BS}`);
    const sourceEvents = source.pollEvents().map((e) => e.type);
    assert.ok(sourceEvents.includes('SinkPing'), 'the sink\'s pongs reached the source through the relay');
    const started = sink.pollEvents().find((e) => e.type === 'StreamStart');
    assert.ok(started);
    assert.equal(bob.client.peerAt(started.endpoint)?.userName, 'alice', 'the sink\'s endpoint is the peer alice');
  });
});
