import { strict as assert } from 'node:assert';
import { seededRandom } from '../../src/util/random.ts';
import { type HostTick, hostTicks, SimClock } from '../support/sim/clock.ts';
import { type Delivery, SimNetwork } from '../support/sim/network.ts';
import { type Participant, runUntil } from '../support/sim/run-loop.ts';

const A = '10.0.0.1:9000';
const B = '10.0.0.2:9000';

describe('sim run loop', () => {
  it('ping-pong: wakeups and arrivals in time order, clock ends at the limit', () => {
    const clock = new SimClock();
    const net = new SimNetwork({ random: seededRandom(1) });
    net.setPath(A, B, { latency: 0.005 });
    const rtts: number[] = [];
    let nextPing = 0;
    let pings = 0;
    const pinger: Participant = {
      nextWakeup: () => nextPing,
      step(now) {
        for (const d of net.receive(A, now)) rtts.push(now - new DataView(d.bytes.buffer, d.bytes.byteOffset).getFloat64(0));
        if (now >= nextPing) {
          const b = new Uint8Array(8);
          new DataView(b.buffer).setFloat64(0, now);
          net.send(A, B, b, now);
          nextPing = ++pings / 100;
        }
      },
    };
    const echo: Participant = {
      nextWakeup: () => Infinity,
      step(now) {
        for (const d of net.receive(B, now)) net.send(B, A, d.bytes, now);
      },
    };
    const { iterations, unclaimed } = runUntil({ clock, network: net, participants: [pinger, echo], until: 1.001 });
    assert.equal(clock.now, 1.001);
    assert.equal(pings, 101); // t = 0, 0.01, …, 1.00
    assert.equal(rtts.length, 100); // the ping sent at t = 1 is still in flight
    assert.ok(rtts.every((r) => Math.abs(r - 0.01) < 1e-9));
    assert.equal(unclaimed, 0);
    assert.ok(iterations <= 301, `${iterations}`);
  });

  it('throws instead of hanging when a participant never moves on', () => {
    const clock = new SimClock();
    const stuck: Participant = { nextWakeup: () => 0.5, step() {} };
    assert.throws(() => runUntil({ clock, participants: [stuck], until: 1, maxIterations: 1000 }), /1000 iterations/);
  });

  it('drains arrivals nobody takes', () => {
    const clock = new SimClock();
    const net = new SimNetwork({ random: seededRandom(1), link: { latency: 0.1 } });
    const dropped: Delivery[] = [];
    let sent = false;
    const sender: Participant = {
      nextWakeup: () => (sent ? Infinity : 0),
      step(now) {
        if (sent) return;
        sent = true;
        for (let i = 0; i < 3; i++) net.send(A, '10.9.9.9:1', new Uint8Array([i]), now);
      },
    };
    const r = runUntil({ clock, network: net, participants: [sender], until: 5, onUnclaimed: (d) => dropped.push(d) });
    assert.equal(r.unclaimed, 3);
    assert.deepEqual(
      dropped.map((d) => d.bytes[0]),
      [0, 1, 2],
    );
    assert.equal(clock.now, 5);
  });

  it('drives bursty host ticks: a minute of pd-default ticks, each stepped at its delivery time', () => {
    const clock = new SimClock();
    const ticks = hostTicks({ sampleRate: 48_000, blockSize: 64, burst: 'pd-default', random: seededRandom(2) });
    let next: HostTick = ticks.next().value;
    let processed = 0;
    const host: Participant = {
      nextWakeup: () => next.deliveryTime,
      step(now) {
        while (next.deliveryTime <= now) {
          assert.equal(next.deliveryTime, now);
          processed++;
          next = ticks.next().value;
        }
      },
    };
    const { iterations } = runUntil({ clock, participants: [host], until: 60 });
    assert.ok(processed >= 45_000 - 20 && processed <= 45_000, `${processed}`);
    assert.ok(iterations < processed / 3, `${iterations} wakeups for ${processed} ticks`);
  });
});
