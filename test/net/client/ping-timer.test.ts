import { strict as assert } from 'node:assert';
import { PingTimer, type PingDue } from '../../../src/net/ping-timer.ts';
import { PEER_PING, SERVER_PING } from '../../../src/net/client/timing.ts';

/** Steps a timer from wakeup to wakeup until `end`; returns what it asked for and when. */
function schedule(timer: PingTimer, end: number, replyAt: (t: number) => boolean = () => false): [number, PingDue][] {
  const out: [number, PingDue][] = [];
  for (let i = 0; i < 1000; i++) {
    const t = timer.nextWakeup();
    if (t > end) return out;
    const due = timer.poll(t);
    if (due !== null) out.push([t, due]);
    if (due === 'ping' && replyAt(t)) timer.reply(t + 0.01);
  }
  throw new Error('no end');
}

describe('client: ping timer (spec §11.3)', () => {
  it('server schedule without replies: ping at 0 and 5, probes at 10…14, inactive at 15, then every 5 s', () => {
    const timer = new PingTimer(SERVER_PING);
    timer.reset(0);
    assert.deepEqual(schedule(timer, 26), [
      [0, 'ping'],
      [5, 'ping'],
      [10, 'ping'],
      [11, 'ping'],
      [12, 'ping'],
      [13, 'ping'],
      [14, 'ping'],
      [15, 'inactive'],
      [20, 'ping'],
      [25, 'ping'],
    ]);
  });

  it('every reply pushes the deadline: answered pings never lead to probing', () => {
    const timer = new PingTimer(SERVER_PING);
    timer.reset(0);
    const got = schedule(timer, 60, () => true);
    assert.deepEqual(got.map(([t]) => t), [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    assert.ok(got.every(([, d]) => d === 'ping'));
  });

  it('peer schedule: 20 probes 0.25 s apart, inactive at 15 s; a reply afterwards revives it once', () => {
    const timer = new PingTimer(PEER_PING);
    timer.reset(100);
    const got = schedule(timer, 115);
    assert.equal(got.filter(([, d]) => d === 'ping').length, 2 + 20);
    assert.deepEqual(got.at(-1), [115, 'inactive']);
    assert.equal(timer.reply(116), true);
    assert.equal(timer.reply(116.5), false);
    assert.equal(timer.nextWakeup(), 121);
  });
});
