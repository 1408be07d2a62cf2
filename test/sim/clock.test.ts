import { strict as assert } from 'node:assert';
import { seededRandom } from '../../src/util/random.ts';
import {
  BURST_PROFILES,
  type BurstMode,
  DriftingClock,
  type HostTick,
  hostTicks,
  SimClock,
} from '../support/sim/clock.ts';

const SR = 48_000;
const BS = 64;
const PERIOD = BS / SR;

/** Every tick delivered up to global time `end`. */
function ticksUntil(end: number, burst: BurstMode, ppm = 0, seed = 1): HostTick[] {
  const out: HostTick[] = [];
  for (const t of hostTicks({ sampleRate: SR, blockSize: BS, ppm, burst, random: seededRandom(seed) })) {
    if (t.deliveryTime > end) break;
    out.push(t);
  }
  return out;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Gaps between consecutive deliveries, and the sizes of the bunches delivered at one instant. */
function shape(ticks: HostTick[]): { gaps: number[]; bunches: number[] } {
  const gaps: number[] = [];
  const bunches: number[] = [1];
  for (let i = 1; i < ticks.length; i++) {
    const gap = ticks[i]!.deliveryTime - ticks[i - 1]!.deliveryTime;
    gaps.push(gap);
    if (gap === 0) bunches[bunches.length - 1]!++;
    else bunches.push(1);
  }
  return { gaps, bunches };
}

/** Least-squares slope of deliveryTime over tickIndex, inverted: ticks per second. */
function fittedRate(ticks: HostTick[]): number {
  const n = ticks.length;
  let mk = 0;
  let mt = 0;
  for (const t of ticks) {
    mk += t.tickIndex / n;
    mt += t.deliveryTime / n;
  }
  let skt = 0;
  let skk = 0;
  for (const t of ticks) {
    const dk = t.tickIndex - mk;
    skt += dk * (t.deliveryTime - mt);
    skk += dk * dk;
  }
  return skk / skt;
}

function maxLag(mode: keyof typeof BURST_PROFILES): number {
  const p = BURST_PROFILES[mode];
  return p.sleepGrain + p.wakeLatency[1] + p.stall[1];
}

describe('sim clocks', () => {
  it('SimClock advances and never goes back', () => {
    const c = new SimClock();
    assert.equal(c.now, 0);
    c.advance(0.5);
    c.advance(0);
    assert.equal(c.advanceTo(2), 2);
    assert.throws(() => c.advance(-1), RangeError);
    assert.throws(() => c.advanceTo(1), RangeError);
    assert.throws(() => c.advance(Number.NaN), RangeError);
    assert.equal(c.now, 2);
  });

  it('DriftingClock runs at 1 + ppm·10⁻⁶ with an offset, and inverts', () => {
    const clock = new SimClock();
    const fast = new DriftingClock(clock, { ppm: 200, offset: 3 });
    const slow = new DriftingClock(clock, { ppm: -150 });
    assert.equal(fast.now, 3);
    clock.advance(1000);
    assert.ok(Math.abs(fast.now - 1003.2) < 1e-9);
    assert.ok(Math.abs(slow.now - 999.85) < 1e-9);
    assert.ok(Math.abs(fast.now - slow.now - (3 + 0.35)) < 1e-9);
    assert.ok(Math.abs(fast.globalTime(fast.localTime(123.456)) - 123.456) < 1e-12);
    assert.equal(new DriftingClock(clock).now, 1000);
  });

  describe('host ticks', () => {
    for (const burst of ['none', 'pd-default', 'pd-sleepgrain1'] as const) {
      for (const ppm of [0, 200, -150]) {
        it(`${burst}, ${ppm} ppm: exact tick count over a minute, in order, never early`, () => {
          const lag = burst === 'none' ? 0 : maxLag(burst);
          const ticks = ticksUntil(60 + lag, burst, ppm);
          const expected = (SR * 60 * (1 + ppm * 1e-6)) / BS;
          const due = ticks.filter((t) => t.nominalTime < 60).length;
          assert.ok(Math.abs(due - expected) <= 1, `${due} ticks due, expected ${expected}`);
          const deliveredByMinute = ticks.filter((t) => t.deliveryTime <= 60).length;
          assert.ok(deliveredByMinute <= expected + 1 && deliveredByMinute >= expected - 1 - lag / PERIOD);
          ticks.forEach((t, i) => {
            assert.equal(t.tickIndex, i);
            assert.ok(t.deliveryTime >= t.nominalTime);
            assert.ok(t.deliveryTime - t.nominalTime <= lag + 1e-12, `tick ${i} late by ${t.deliveryTime - t.nominalTime}`);
            if (i > 0) assert.ok(t.deliveryTime >= ticks[i - 1]!.deliveryTime);
          });
        });
      }
    }

    it("'none' delivers each tick on time, one by one", () => {
      const ticks = ticksUntil(1, 'none');
      assert.ok(ticks.every((t) => t.deliveryTime === t.nominalTime));
      assert.ok(shape(ticks).gaps.every((g) => Math.abs(g - PERIOD) < 1e-12));
      const start = hostTicks({ sampleRate: SR, blockSize: BS, start: 2.5 }).next().value;
      assert.deepEqual(start, { tickIndex: 0, deliveryTime: 2.5, nominalTime: 2.5 });
    });

    it("'pd-default' bunches about 4 ticks every ~5 ms, with stalls followed by a catch-up burst", () => {
      const ticks = ticksUntil(60, 'pd-default');
      const { gaps, bunches } = shape(ticks);
      const meanBunch = ticks.length / bunches.length;
      assert.ok(meanBunch > 3.6 && meanBunch < 4.0, `mean bunch ${meanBunch}`);
      assert.ok(quantile(bunches, 0.5) === 4, `median bunch ${quantile(bunches, 0.5)}`);
      const p90 = quantile(gaps, 0.9);
      assert.ok(p90 > 0.005 && p90 < 0.0052, `gap p90 ${p90}`);
      // Stalls (about one per 10 s): a gap of 10-20 ms, then the missed ticks all at once.
      const stalls = gaps.map((g, i) => ({ g, i })).filter(({ g }) => g > 0.01);
      assert.ok(stalls.length >= 2 && stalls.length <= 15, `${stalls.length} stalls`);
      for (const { g, i } of stalls) {
        const after = ticks[i + 1]!.deliveryTime;
        const burst = ticks.filter((t) => t.deliveryTime === after).length;
        assert.ok(burst >= Math.floor(g / PERIOD) - 1, `stall ${g}: burst of ${burst}`);
        assert.ok(burst >= 8);
      }
    });

    it("'pd-sleepgrain1' delivers ticks mostly one by one: gaps p50 ~1.07 ms, p90 ~2.1 ms", () => {
      const ticks = ticksUntil(60, 'pd-sleepgrain1');
      const { gaps, bunches } = shape(ticks);
      const p50 = quantile(gaps, 0.5);
      const p90 = quantile(gaps, 0.9);
      assert.ok(p50 > 0.00102 && p50 < 0.00113, `p50 ${p50}`);
      assert.ok(p90 > 0.002 && p90 < 0.0023, `p90 ${p90}`);
      assert.ok(bunches.filter((b) => b > 1).length < bunches.length * 0.01);
    });

    it('custom profile without stalls never lags more than a grain', () => {
      const profile = { sleepGrain: 0.003, wakeLatency: [0, 0.0005], stallRate: 0, stall: [0, 0] } as const;
      const ticks: HostTick[] = [];
      for (const t of hostTicks({ sampleRate: 44_100, blockSize: 128, burst: profile, random: seededRandom(9) })) {
        if (t.deliveryTime > 10) break;
        ticks.push(t);
      }
      assert.ok(ticks.every((t) => t.deliveryTime - t.nominalTime <= 0.0035 + 1e-12));
      assert.ok(Math.abs(ticks.length - (10 * 44_100) / 128) < 0.0035 / (128 / 44_100) + 1);
    });

    for (const burst of ['pd-default', 'pd-sleepgrain1'] as const) {
      for (const ppm of [200, -150, 37]) {
        it(`${burst}: long-term delivery rate is nominal × (1 + ${ppm} ppm) within 1 ppm`, () => {
          const ticks = ticksUntil(600, burst, ppm, 11);
          const rate = fittedRate(ticks);
          const expected = (SR / BS) * (1 + ppm * 1e-6);
          const errPpm = (rate / expected - 1) * 1e6;
          assert.ok(Math.abs(errPpm) < 1, `rate ${rate}, expected ${expected}: ${errPpm.toFixed(3)} ppm`);
        });
      }
    }

    it('is deterministic for a seed', () => {
      const times = (seed: number) => ticksUntil(5, 'pd-default', 0, seed).map((t) => t.deliveryTime);
      assert.deepEqual(times(4), times(4));
      assert.notDeepEqual(times(4), times(5));
    });
  });
});
