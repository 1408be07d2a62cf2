import { strict as assert } from 'node:assert';
import type { Atom } from '../../src/engine/control-protocol.ts';
import { fitTone, sineBlock } from '../support/signal.ts';
import { GROUP, eventsNamed, keepList, room } from './room.ts';
import type { SimEngine, SimHost } from './sim-engine.ts';

const SR = 48000;
const BS = 64;
const FREQS = [440, 660];
/** Blocks per 0.5 s: the heartbeat of the hosts that send no audio. */
const HEARTBEAT_BLOCKS = 375;

/** `count` DSP ticks: `send` captures two sines, `receive` plays; the other hosts beat their heart. Returns channel `c` of what played. */
function stream(sim: SimEngine, send: SimHost, receive: SimHost, others: readonly SimHost[], count: number): Float32Array[] {
  const played: Atom[][] = [];
  for (let k = 0; k < count; k++) {
    sim.advance(BS / SR);
    send.block(k, sineBlock(FREQS, 0.5, SR, BS, k * BS));
    receive.tick(k);
    if (k % HEARTBEAT_BLOCKS === 0) for (const h of others) h.send('/hb', []);
    sim.udp.deliver();
    played.push(...receive.take('/out').map((r) => r.atoms.slice(1)));
  }
  return FREQS.map((_, c) => Float32Array.from(played.flatMap((block) => block.slice(c * BS, (c + 1) * BS) as number[])));
}

/** Sound from some point on, with no silent block after it, at the right frequencies. */
function assertTones(channels: Float32Array[]): void {
  channels.forEach((x, c) => {
    const first = x.findIndex((v) => v !== 0);
    assert.ok(first >= 0 && first < x.length / 2, `channel ${c}: sound from sample ${first} of ${x.length}`);
    const sounding = x.subarray(first + BS);
    let silentBlocks = 0;
    for (let at = 0; at + BS <= sounding.length; at += BS) if (sounding.subarray(at, at + BS).every((v) => v === 0)) silentBlocks++;
    assert.equal(silentBlocks, 0, `channel ${c}: silent blocks after the start`);
    const tone = fitTone(sounding.subarray(sounding.length - SR / 2), FREQS[c]!, SR);
    assert.ok(Math.abs(tone.frequency - FREQS[c]!) < 0.1 && tone.snrDb > 60, `channel ${c}: ${JSON.stringify(tone)}`);
  });
}

/** alice's send~ (port 9000, id 1) and bob's receive~ (port 9001, id 1), next to their clients. */
function sendAndReceive(sim: SimEngine): { send: SimHost; receive: SimHost } {
  const send = sim.host();
  const receive = sim.host();
  send.open('send', 2, 9000, 1);
  receive.open('receive', 2, 9001, 1, 50);
  send.take();
  receive.take();
  return { send, receive };
}

describe('engine: streams between peers named by group and user (simulated time)', () => {
  it('send~ adds `band bob 1`; both ends show the other as `band <user> <id>`; the stream plays', async () => {
    const { sim, server, clients } = await room(['alice', 'bob']);
    const { send, receive } = sendAndReceive(sim);
    await sim.settle();
    send.method('add', GROUP, 'bob', 1);
    send.method('start');
    await sim.settle();
    assert.deepEqual(send.errors(), []);
    assert.deepEqual(send.events(), ['add band bob 1']);
    assertTones(stream(sim, send, receive, [server, ...clients], 3 * 750));
    assert.deepEqual(receive.errors(), []);
    assert.deepEqual(eventsNamed(receive.events(), 'add'), ['add band alice 1']);
    const timed = receive.take('/at').map((r) => r.atoms.slice(2).join(' '));
    assert.deepEqual(eventsNamed(timed, 'start', 'state'), ['start band alice 1', 'state band alice 1 2', 'state band alice 1 1']);
    assert.ok(send.events().some((e) => /^ping band bob 1( \S+){5}$/.test(e)), 'the sink pings, shown by name');
    // For a restart, the sink is kept at its address: a new engine knows no peers until its client has joined again.
    assert.deepEqual(keepList(send), ['add 127.0.0.1 9001 1 1', 'start']);
    receive.method('source_list');
    assert.deepEqual(receive.events(), ['source band alice 1']);
  });

  it('a sink added as `band bob 1` is still named so after bob left the group: remove finds it', async () => {
    const { sim, clients } = await room(['alice', 'bob']);
    const [alice, bob] = clients as [SimHost, SimHost];
    const { send } = sendAndReceive(sim);
    await sim.settle();
    send.method('add', GROUP, 'bob', 1);
    send.method('add', GROUP, 'bob', 2);
    await sim.settle();
    assert.deepEqual(send.events(), ['add band bob 1', 'add band bob 2']);
    bob.method('group_leave', GROUP);
    await sim.run(0.5);
    assert.deepEqual(eventsNamed(alice.events(), 'peer_leave').length, 1, 'alice\'s client forgot bob');
    send.method('active', GROUP, 'bob', 1, 0);
    send.method('remove', GROUP, 'bob', 1);
    send.method('sink_list');
    send.method('remove', GROUP, 'bob', 3);
    await sim.settle();
    assert.deepEqual(send.events(), ['remove band bob 1', 'sink band bob 2']);
    assert.deepEqual(send.errors(), ['aoo.send~ 9000 1: remove: band bob 3: no peer "bob" in group "band" (yet)']);
  });

  it('an unknown peer, or no client on the port: a clear error, nothing changes', async () => {
    const { sim } = await room(['alice', 'bob']);
    const { send, receive } = sendAndReceive(sim);
    const lonely = sim.host();
    lonely.open('send', 1, 9005, 1);
    await sim.settle();
    send.method('add', GROUP, 'nobody', 1);
    send.method('add', 'other', 'bob', 1);
    receive.method('invite', GROUP, 'alice', 'x');
    lonely.method('add', GROUP, 'bob', 1);
    await sim.settle();
    assert.deepEqual(send.errors(), [
      'aoo.send~ 9000 1: add: band nobody 1: no peer "nobody" in group "band" (yet)',
      'aoo.send~ 9000 1: add: other bob 1: no peer "bob" in group "other" (yet)',
    ]);
    assert.deepEqual(receive.errors(), ['aoo.receive~ 9001 1: invite: bad id x (a whole number 0…2147483647)']);
    assert.deepEqual(lonely.errors(), ['aoo.send~ 9005 1: add: band bob 1: no aoo.client on port 9005']);
    send.method('sink_list');
    assert.deepEqual(send.events(), []);
  });

  it('peers that cannot reach each other meet through the server relay, and the stream goes through it both ways', async () => {
    const direct = (a: number, b: number) => (p: { from: { port: number }; to: { port: number } }) => p.from.port === a && p.to.port === b;
    const blocked = [direct(9000, 9001), direct(9001, 9000)];
    const { sim, server, clients } = await room(['alice', 'bob'], {
      serverMethods: [['relay', 1]],
      configure: (s) => (s.udp.drop = (d) => blocked.some((b) => b(d))),
    });
    await sim.run(6);
    for (const [c, other, port] of [[clients[0]!, 'bob', 9001], [clients[1]!, 'alice', 9000]] as const) {
      const joins = eventsNamed(c.events(), 'peer_join', 'peer_timeout');
      assert.equal(joins.length, 1, joins.join('\n'));
      assert.match(joins[0]!, new RegExp(`^peer_join band ${other} \\d 127\\.0\\.0\\.1 ${port}$`));
    }
    const relayed = sim.servers.at(7078)!.core.stats.relayedPackets;
    assert.ok(relayed > 0, 'the handshake went through the relay');
    const { send, receive } = sendAndReceive(sim);
    // bob invites alice's source: the invitation goes out through the relay too.
    await sim.settle();
    send.method('start');
    receive.method('invite', GROUP, 'alice', 1);
    await sim.settle();
    assertTones(stream(sim, send, receive, [server, ...clients], 3 * 750));
    assert.deepEqual([...send.errors(), ...receive.errors()], []);
    assert.deepEqual(eventsNamed(send.events(), 'add', 'invite'), ['add band bob 1', 'invite band bob 1']);
    assert.ok(sim.servers.at(7078)!.core.stats.relayedPackets > relayed + 2000, 'the stream went through the relay');
  });
});
