import { strict as assert } from 'node:assert';
import { DataType } from '../../../src/protocol/aoo/constants.ts';
import type { LinkConfig } from '../../support/sim/network.ts';
import { type SimClient, type SimWorld, cut, groupWorld } from './support/sim-world.ts';

const text = (s: string) => ({ type: DataType.Text, bytes: new TextEncoder().encode(s) });

/** A world of clients in "grp" that have completed every handshake. */
function group(names: string[], link: LinkConfig, seed: number): { w: SimWorld; clients: SimClient[] } {
  const { w, clients } = groupWorld(names, { seed, link });
  w.runUntilTrue(() => clients.every((c) => c.eventsOf('PeerJoin').length === names.length - 1), 2, 'handshakes');
  return { w, clients };
}

/** Texts of the messages `c` received from `from`, in delivery order. */
function received(c: SimClient, from: string): string[] {
  return c.eventsOf('PeerMessage')
    .filter((e) => e.peer.userName === from)
    .map((e) => new TextDecoder().decode(e.data.bytes));
}

describe('client: peer messages (simulated, with the server core)', () => {
  it('reliable group messages under 10 % loss each way: every message exactly once, in order, from every sender', () => {
    const { w, clients } = group(['ann', 'ben', 'cat'], { latency: 0.01, jitter: 0.01, loss: 0.1 }, 11);
    const N = 150;
    for (let i = 0; i < N; i++) {
      for (const c of clients) assert.deepEqual(c.client.sendMessage({ group: 'grp' }, text(`${c.name} ${i}`), { reliable: true }, w.now), { ok: true, value: 2 });
      w.run(0.005);
    }
    w.runUntilTrue(() => clients.every((c) => c.client.peers().every((p) => c.client.unacknowledged('grp', p.userName) === 0)), 20, 'all acknowledged');
    for (const c of clients) {
      for (const other of clients.filter((o) => o !== c)) {
        assert.deepEqual(received(c, other.name), Array.from({ length: N }, (_, i) => `${other.name} ${i}`), `${c.name} from ${other.name}`);
      }
    }
    assert.ok(w.net.totals().lost > 100, `lost ${w.net.totals().lost}`);
  });

  it('duplicated and reordered datagrams: reliable messages still exactly once and in order; unreliable ones all arrive', () => {
    const { w, clients } = group(['ann', 'ben'], { latency: 0.01, jitter: 0.02, duplicate: 0.3, reorder: 0.3, reorderDelay: 0.03 }, 12);
    const [ann, ben] = clients as [SimClient, SimClient];
    for (let i = 0; i < 100; i++) {
      ann.client.sendMessage({ group: 'grp', user: 'ben' }, text(`r${i}`), { reliable: true }, w.now);
      ann.client.sendMessage({ group: 'grp', user: 'ben' }, text(`u${i}`), {}, w.now);
      w.run(0.002);
    }
    w.run(3);
    const got = received(ben, 'ann');
    assert.deepEqual(got.filter((m) => m.startsWith('r')), Array.from({ length: 100 }, (_, i) => `r${i}`));
    assert.deepEqual(new Set(got.filter((m) => m.startsWith('u'))), new Set(Array.from({ length: 100 }, (_, i) => `u${i}`)));
    assert.ok(w.net.totals().duplicated > 50 && w.net.totals().reordered > 50);
  });

  it('unreliable messages are not held up by a reliable message stuck in resend', () => {
    const { w, clients } = group(['ann', 'ben'], { latency: 0.01 }, 13);
    const [ann, ben] = clients as [SimClient, SimClient];
    w.net.setLink(ann.key, ben.key, { loss: 1 });
    ann.client.sendMessage({ group: 'grp' }, text('stuck'), { reliable: true }, w.now);
    w.run(0.5); // resent at 20, 60, 140, 300 ms: all lost
    w.net.setLink(ann.key, ben.key, { latency: 0.01 });
    const sentAt = w.now;
    ann.client.sendMessage({ group: 'grp' }, text('after'), { reliable: true }, w.now);
    ann.client.sendMessage({ group: 'grp' }, text('quick'), {}, w.now);
    w.run(0.011);
    assert.deepEqual(received(ben, 'ann'), ['quick'], 'the unreliable message arrived after one link latency');
    w.runUntilTrue(() => received(ben, 'ann').length === 3, 2, 'the resend');
    assert.deepEqual(received(ben, 'ann'), ['quick', 'stuck', 'after']);
    assert.ok(w.now - sentAt > 0.1, 'the reliable ones waited for the resend of "stuck" (due at 620 ms)');
  });

  it('large messages are split and reassembled: 100 kB reliable under loss and reordering, 20 kB unreliable', () => {
    const { w, clients } = group(['ann', 'ben'], { latency: 0.01, jitter: 0.01, loss: 0.05 }, 14);
    const [ann, ben] = clients as [SimClient, SimClient];
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 0xff);
    assert.deepEqual(ann.client.sendMessage({}, { type: DataType.Raw, bytes: big }, { reliable: true }, w.now), { ok: true, value: 1 });
    w.runUntilTrue(() => ben.eventsOf('PeerMessage').length === 1, 10, 'the big message');
    assert.deepEqual(ben.eventsOf('PeerMessage')[0]!.data.bytes, big);

    w.net.setPath(ann.key, ben.key, { latency: 0.01, jitter: 0.01 });
    const medium = big.subarray(0, 20_000);
    ann.client.sendMessage({}, { type: DataType.Raw, bytes: medium }, {}, w.now);
    w.run(0.1);
    assert.deepEqual(ben.eventsOf('PeerMessage')[1]?.data.bytes, medium);
    const tooBig = ann.client.sendMessage({}, { type: DataType.Raw, bytes: new Uint8Array(256 * 472 + 1) }, {}, w.now);
    assert.equal(tooBig.ok, false);
  });

  it('timestamps and data types arrive as sent; targets select peers by group and user name', () => {
    const { w, clients } = group(['ann', 'ben', 'cat'], { latency: 0.005 }, 15);
    const [ann, ben, cat] = clients as [SimClient, SimClient, SimClient];
    const tt = 0xeeab44a8a5fb71fbn;
    ann.client.sendMessage({ group: 'grp', user: 'cat' }, { type: DataType.Float32, bytes: new Uint8Array([0x3f, 0x80, 0, 0]) }, { timestamp: tt }, w.now);
    ann.client.sendMessage({ group: 'nope' }, text('nobody'), {}, w.now);
    w.run(0.1);
    assert.deepEqual(ben.eventsOf('PeerMessage'), []);
    const [m] = cat.eventsOf('PeerMessage');
    assert.deepEqual([m?.timestamp, m?.data.type, [...(m?.data.bytes ?? [])]], [tt, DataType.Float32, [0x3f, 0x80, 0, 0]]);
  });

  it('through the relay: reliable and unreliable messages both ways, OSC form too', () => {
    const { w, clients } = groupWorld(['ann', 'ben'], {
      seed: 16,
      link: { latency: 0.01, loss: 0.05 },
      server: { relay: true },
      links: cut('ann', 'ben'),
      clientOptions: { ben: { binary: false } },
    });
    const [ann, ben] = clients as [SimClient, SimClient];
    w.runUntilTrue(() => ann.eventsOf('PeerJoin').length === 1 && ben.eventsOf('PeerJoin').length === 1, 12, 'relayed handshake');
    for (let i = 0; i < 20; i++) {
      ann.client.sendMessage({}, text(`a${i}`), { reliable: true }, w.now);
      ben.client.sendMessage({}, text(`b${i}`), { reliable: i % 2 === 0 }, w.now);
      w.run(0.01);
    }
    w.run(3);
    assert.deepEqual(received(ben, 'ann'), Array.from({ length: 20 }, (_, i) => `a${i}`));
    const fromBen = received(ann, 'ben');
    assert.deepEqual(fromBen.filter((m) => Number(m.slice(1)) % 2 === 0), Array.from({ length: 10 }, (_, i) => `b${2 * i}`));
    assert.ok(w.server.stats.relayedPackets > 40);
  });
});
