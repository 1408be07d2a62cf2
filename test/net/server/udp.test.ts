import { strict as assert } from 'node:assert';
import type { UdpAddress } from '../../../src/net/address.ts';
import { wrapForRelay } from '../../../src/protocol/aoo/relay.ts';
import { seededRandom } from '../../../src/util/random.ts';
import { fuzzInputs } from '../../support/fuzz-inputs.ts';
import { hex } from '../../support/vectors.ts';
import { CoreHarness, decode, encode } from './harness.ts';

const QUERY = encode({ kind: 'server/query' });
const PING = encode({ kind: 'server/ping' });
const PEER_PING = encode({ kind: 'peer/ping', groupId: 0, senderId: 0, t1: null });

function wrap(form: 'binary' | 'osc', to: UdpAddress, packet: Uint8Array): Uint8Array {
  const out = new Uint8Array(256);
  const n = wrapForRelay(out, 0, form, { host: to.address, port: to.port }, packet);
  assert.ok(n > 0);
  return out.slice(0, n);
}

describe('server core: UDP', () => {
  it('answers an address query with the sender’s public address once it has received as many bytes as it sends', () => {
    const h = new CoreHarness();
    const from = { address: '127.0.0.1', port: 20001 };
    assert.deepEqual(h.udp(QUERY, from), [], 'a 24-byte query cannot buy a 40-byte reply');
    const replies = h.udp(QUERY, from);
    assert.equal(replies.length, 1);
    assert.deepEqual(replies[0]!.to, from);
    assert.equal(hex(replies[0]!.bytes), '2f616f6f2f636c69656e742f71756572790000002c7369003132372e302e302e3100000000004e21');
    assert.equal(h.core.stats.drops['reply-withheld'], 1);
  });

  it('an IPv6 sender needs three queries for its longer reply', () => {
    const h = new CoreHarness();
    const from = { address: '2001:db8:1234:5678:9abc:def0:1234:5678', port: 20001 };
    assert.deepEqual(h.udp(QUERY, from), []);
    assert.deepEqual(h.udp(QUERY, from), []);
    const [reply] = h.udp(QUERY, from);
    assert.deepEqual(decode(reply!.bytes), { kind: 'client/query', publicAddress: { host: from.address, port: 20001 } });
  });

  it('answers a UDP ping with a pong of the same size', () => {
    const h = new CoreHarness();
    const replies = h.udp(PING, { address: '10.0.0.1', port: 5 });
    assert.deepEqual(replies.map((r) => decode(r.bytes)), [{ kind: 'client/pong' }]);
    assert.equal(replies[0]!.bytes.length, PING.length);
  });

  it('answers a logged-in client’s own address at once, without counting its datagrams', () => {
    const h = new CoreHarness({ unauthenticatedLimit: { burst: 1, perSecond: 0 } });
    const from = { address: '127.0.0.1', port: 20001 };
    h.login({ remote: { address: '127.0.0.1', port: 45000 }, addresses: [{ host: '127.0.0.1', port: 20001 }] });
    for (let i = 0; i < 5; i++) assert.equal(h.udp(QUERY, from).length, 1);
    const spoofed = h.login({ remote: { address: '10.9.9.9', port: 45000 }, addresses: [{ host: '10.1.1.1', port: 7 }] });
    assert.ok(spoofed >= 0);
    assert.deepEqual(h.udp(QUERY, { address: '10.1.1.1', port: 7 }), [], 'an address listed by a client on another IP is not trusted');
  });

  it('no amplification: over any mix of datagrams from many spoofed senders, no IP gets back more bytes than it sent', () => {
    const h = new CoreHarness();
    const rnd = seededRandom(7);
    const sent = new Map<string, number>();
    const got = new Map<string, number>();
    const seeds = [QUERY, PING, PEER_PING, wrap('binary', { address: '10.0.0.1', port: 9 }, PING)];
    let replies = 0;
    for (const bytes of fuzzInputs(seeds, rnd, 20000)) {
      const input = rnd() < 0.5 ? seeds[Math.floor(rnd() * 2)]! : bytes;
      const from = { address: `2001:db8::${Math.floor(rnd() * 50).toString(16)}`, port: 1 + Math.floor(rnd() * 3) };
      sent.set(from.address, (sent.get(from.address) ?? 0) + input.length);
      for (const r of h.udp(input, from)) {
        replies++;
        got.set(r.to.address, (got.get(r.to.address) ?? 0) + r.bytes.length);
      }
      h.now += 0.01;
    }
    assert.ok(replies > 1000, `only ${replies} replies`);
    for (const [ip, n] of got) assert.ok(n <= sent.get(ip)!, `${ip}: ${n} bytes back for ${sent.get(ip)} received`);
  });

  it('rate-limits strangers per IP (token bucket), counts the drops and logs them once; other IPs are unaffected', () => {
    const h = new CoreHarness({ unauthenticatedLimit: { burst: 10, perSecond: 5 } });
    const flood = { address: '198.51.100.7', port: 4000 };
    let answered = 0;
    const count = 2049;
    for (let i = 0; i < count; i++) {
      h.now = i / 1024; // binary fractions: the refill arithmetic is exact
      answered += h.udp(PING, flood).length;
    }
    assert.equal(answered, 10 + 2 * 5, 'the burst, then 5 per second for two seconds');
    assert.equal(h.core.stats.drops['rate-limited'], count - 20);
    assert.equal(h.logs().filter((r) => r.fields.reason === 'rate-limited').length, 1);
    assert.equal(h.udp(PING, { address: '198.51.100.8', port: 4000 }).length, 1);
    h.now += 10;
    assert.equal(h.udp(PING, flood).length, 1, 'the bucket refills');
  });

  it('rate-limits TCP connections per IP: over the rate they are closed at once', () => {
    const h = new CoreHarness({ unauthenticatedLimit: { burst: 3, perSecond: 1 } });
    const ids = [0, 1, 2, 3, 4].map(() => h.connect({ address: '203.0.113.5', port: 5000 }));
    assert.deepEqual(ids.map((id) => h.isClosed(id)), [false, false, false, true, true]);
    assert.equal(h.core.stats.connections, 3);
  });

  it('counts malformed and unexpected datagrams, never throws, and logs each kind once', () => {
    const h = new CoreHarness({ relay: true });
    const from = { address: '192.0.2.9', port: 1 };
    h.udp(Uint8Array.from([1, 2, 3]), from);
    h.udp(Uint8Array.from([0x2f, 0x61]), from);
    h.udp(PEER_PING, from);
    h.udp(encode({ kind: 'server/login', token: 0, version: '2.0', password: '', metadata: null, addresses: [] }), from);
    assert.equal(h.core.stats.drops['udp-malformed'], 2);
    assert.equal(h.core.stats.drops['udp-unexpected'], 2);
    const rnd = seededRandom(3);
    for (const bytes of fuzzInputs([QUERY, PING, PEER_PING, wrap('osc', from, PING)], rnd, 5000)) h.udp(bytes, { address: '192.0.2.10', port: 2 });
    const reasons = h.logs().map((r) => r.fields.reason);
    assert.equal(new Set(reasons).size, reasons.length, 'one log line per reason');
  });
});

describe('server core: relay', () => {
  const ALICE = { address: '127.0.0.1', port: 20001 };
  const BOB = { address: '127.0.0.1', port: 20002 };
  const CAROL = { address: '127.0.0.1', port: 20003 };
  const BOB_LAN = { address: '192.0.2.2', port: 20002 };

  function setup(relay = true) {
    const h = new CoreHarness({ relay });
    const remote = (p: UdpAddress) => ({ address: p.address, port: p.port + 10000 });
    const asList = (...a: UdpAddress[]) => a.map((x) => ({ host: x.address, port: x.port }));
    const a = h.login({ remote: remote(ALICE), addresses: asList(ALICE) });
    const b = h.login({ remote: remote(BOB), addresses: asList(BOB_LAN, { address: 'fd00::2', port: 20002 }, BOB) });
    const c = h.login({ remote: remote(CAROL), addresses: asList(CAROL) });
    h.joined(a, 'g', 'alice');
    h.joined(b, 'g', 'bob');
    h.joined(c, 'other', 'carol');
    return { h, a, b, c };
  }

  it('forwards a binary relay packet between members of a group, with the sender’s address in the header (spec §14.6)', () => {
    const { h } = setup();
    const out = h.udp(wrap('binary', BOB_LAN, PEER_PING), ALICE);
    assert.equal(out.length, 1);
    assert.deepEqual(out[0]!.to, BOB_LAN);
    assert.equal(hex(out[0]!.bytes), `85004e217f000001${hex(PEER_PING)}`);
    assert.deepEqual(h.core.stats.relayedPackets, 1);
  });

  it('keeps the OSC form, and rewrites the address family when it changes', () => {
    const { h } = setup();
    const [osc] = h.udp(wrap('osc', BOB, PEER_PING), ALICE);
    assert.deepEqual(decode(osc!.bytes), { kind: 'relay', form: 'osc', address: { host: '127.0.0.1', port: 20001 }, packet: PEER_PING });
    const [v6] = h.udp(wrap('binary', { address: 'fd00::2', port: 20002 }, PEER_PING), ALICE);
    assert.deepEqual(v6!.to, { address: 'fd00::2', port: 20002 });
    assert.equal(hex(v6!.bytes), `85004e217f000001${hex(PEER_PING)}`, 'an IPv6 destination header (20 bytes) becomes an IPv4 source header (8 bytes)');
  });

  it('forwards nothing between clients without a common group, from strangers, or when the relay is off', () => {
    const { h } = setup();
    assert.deepEqual(h.udp(wrap('binary', BOB, PEER_PING), CAROL), []);
    assert.deepEqual(h.udp(wrap('binary', CAROL, PEER_PING), ALICE), []);
    assert.deepEqual(h.udp(wrap('binary', BOB, PEER_PING), { address: '127.0.0.1', port: 30000 }), []);
    assert.deepEqual(h.udp(wrap('binary', { address: '8.8.8.8', port: 53 }, PEER_PING), ALICE), []);
    assert.deepEqual(h.udp(wrap('binary', BOB, wrap('binary', ALICE, PEER_PING)), ALICE), [], 'no relay packets inside relay packets');
    const d = h.core.stats.drops;
    assert.deepEqual([d['relay-not-shared'], d['relay-unauthenticated'], d['relay-malformed']], [3, 1, 1]);
    const off = setup(false).h;
    assert.deepEqual(off.udp(wrap('binary', BOB, PEER_PING), ALICE), []);
    assert.equal(off.core.stats.drops['relay-disabled'], 1);
  });

  it('setRelay switches the relay while running: the clients stay, later joiners are told of the relay', () => {
    const { h, a } = setup(false);
    assert.deepEqual(h.udp(wrap('binary', BOB, PEER_PING), ALICE), []);
    const before = h.join(a, 'before', 'alice');
    assert.ok(before.ok);
    assert.equal(before.relay, null);
    h.core.setRelay(true);
    assert.equal(h.udp(wrap('binary', BOB, PEER_PING), ALICE).length, 1);
    const later = h.join(a, 'later', 'alice');
    assert.ok(later.ok);
    assert.deepEqual(later.relay, { host: '', port: 7078 });
    h.core.setRelay(false);
    assert.deepEqual(h.udp(wrap('binary', BOB, PEER_PING), ALICE), []);
    assert.equal(h.core.stats.drops['relay-disabled'], 2);
    assert.equal(h.core.stats.clients, 3, 'nobody was dropped');
  });

  it('stops forwarding when the recipient leaves the group, and starts again when it joins a group with the sender', () => {
    const { h, b, c } = setup();
    h.send(b, { kind: 'server/group/leave', token: 1, groupId: 0 });
    assert.deepEqual(h.udp(wrap('binary', BOB, PEER_PING), ALICE), []);
    h.joined(c, 'g', 'carol');
    assert.equal(h.udp(wrap('binary', CAROL, PEER_PING), ALICE).length, 1);
    h.disconnect(c);
    assert.deepEqual(h.udp(wrap('binary', CAROL, PEER_PING), ALICE), []);
  });
});
