import { strict as assert } from 'node:assert';
import { HostClock, MAX_GAP_BLOCKS, TICK_MODULUS, addTicks, tickDistance } from '../../src/engine/host-clock.ts';
import { T0 } from './sim-engine.ts';

const SR = 48000;
const BS = 64;
const T = BS / SR;

describe('engine host clock', () => {
  it('turns ticks into host time from the first tick, whatever the wall clock does in between', () => {
    const c = new HostClock(SR, BS);
    assert.deepEqual(c.advance(100, T0), { kind: 'anchored' });
    // Ticks come in bursts: wall time jitters, host time does not.
    assert.deepEqual(c.advance(101, T0 + 0.004), { kind: 'next', missed: 0 });
    assert.deepEqual(c.advance(102, T0 + 0.004), { kind: 'next', missed: 0 });
    assert.equal(c.timeOf(102), T0 + 2 * T);
    assert.equal(c.timeOf(110), T0 + 10 * T);
    assert.equal(c.timeOf(99), T0 - T);
  });

  it('counts missing ticks, ignores duplicate and older ones', () => {
    const c = new HostClock(SR, BS);
    c.advance(10, T0);
    assert.deepEqual(c.advance(14, T0 + 4 * T), { kind: 'next', missed: 3 });
    assert.deepEqual(c.advance(14, T0 + 4 * T), { kind: 'late' });
    assert.deepEqual(c.advance(12, T0 + 4 * T), { kind: 'late' });
    assert.equal(c.tick, 14);
    assert.equal(c.timeOf(14), T0 + 4 * T);
  });

  it('wraps at 2^24 like the host counter', () => {
    const c = new HostClock(SR, BS);
    c.advance(TICK_MODULUS - 2, T0);
    assert.deepEqual(c.advance(TICK_MODULUS - 1, T0 + T), { kind: 'next', missed: 0 });
    assert.deepEqual(c.advance(1, T0 + 3 * T), { kind: 'next', missed: 1 });
    assert.equal(c.timeOf(1), T0 + 3 * T);
    assert.equal(c.timeOf(TICK_MODULUS - 2), T0);
    assert.equal(tickDistance(TICK_MODULUS - 1, 1), 2);
    assert.equal(addTicks(1, -3), TICK_MODULUS - 2);
  });

  it('starts again after a gap longer than MAX_GAP_BLOCKS or a pause of the host DSP', () => {
    const c = new HostClock(SR, BS);
    c.advance(0, T0);
    assert.deepEqual(c.advance(MAX_GAP_BLOCKS + 1, T0 + (MAX_GAP_BLOCKS + 1) * T), { kind: 'next', missed: MAX_GAP_BLOCKS });
    assert.deepEqual(c.advance(2 * MAX_GAP_BLOCKS + 3, T0 + 1), { kind: 'anchored' });
    assert.equal(c.timeOf(2 * MAX_GAP_BLOCKS + 3), T0 + 1);
    // DSP off for 10 s: the counter resumes where it stopped, the wall clock did not.
    assert.deepEqual(c.advance(2 * MAX_GAP_BLOCKS + 4, T0 + 11), { kind: 'anchored' });
    assert.equal(c.timeOf(2 * MAX_GAP_BLOCKS + 4), T0 + 11);
    assert.equal(c.resyncs, 2);
  });

  it('maps packet arrival times onto host time with the smoothed host−wall offset', () => {
    const c = new HostClock(SR, BS);
    c.advance(0, T0);
    assert.equal(c.now(T0 + 0.5), T0 + 0.5);
    // The host's sample clock runs 1 % fast against the wall clock: host time pulls ahead.
    for (let k = 1; k <= 2000; k++) c.advance(k, T0 + (k * T) / 1.01);
    const wall = T0 + (2000 * T) / 1.01;
    const lead = c.timeOf(2000) - wall;
    assert.ok(lead > 0.02, `host time leads by ${lead}`);
    assert.ok(Math.abs(c.now(wall) - c.timeOf(2000)) < 0.1 * lead, `packet time ${c.now(wall) - wall} vs tick time ${lead}`);
  });
});
