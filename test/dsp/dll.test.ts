import { strict as assert } from 'node:assert';
import { TimeDll } from '../../src/dsp/dll.ts';
import { seededRandom } from '../../src/util/random.ts';

const NOMINAL = 48000;
const BLOCK = 64;

/**
 * Times at which Pd (default sleep grain, hosts.md) processes the blocks of an audio clock
 * running `ppm` fast: it wakes about every 5 ms and computes every block that is due by then,
 * ~20 µs apart; about every 10 s a 20 ms stall delays a wake-up. Absolute NTP-sized seconds.
 * Returns the estimate after each block.
 */
function pdBursts(dll: TimeDll, ppm: number, seconds: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const period = BLOCK / (NOMINAL * (1 + ppm * 1e-6));
  const estimates = new Float64Array(Math.ceil(seconds / period) + 16);
  let wake = 0;
  let block = 0;
  while (wake < seconds) {
    wake += 0.005 + random() * 0.0003 + (random() < 1 / 2000 ? 0.02 : 0);
    for (let inBurst = 0; block * period <= wake; inBurst++, block++) {
      dll.update(3.9e9 + wake + inBurst * 20e-6);
      estimates[block] = dll.sampleRate;
    }
  }
  return estimates.subarray(0, block);
}

describe('TimeDll', () => {
  it('starts at the nominal rate and keeps it for a steady clock', () => {
    const dll = new TimeDll(NOMINAL, BLOCK);
    assert.equal(dll.sampleRate, NOMINAL);
    for (let k = 0; k < 10000; k++) dll.update(100 + (k * BLOCK) / NOMINAL);
    assert.ok(Math.abs(dll.sampleRate / NOMINAL - 1) < 1e-9, `${dll.sampleRate}`);
    assert.ok(Math.abs(dll.period - BLOCK / NOMINAL) < 1e-15);
  });

  it('follows a clock 200 ppm fast under Pd-like bursts and stalls: within a few ppm, tiny block-to-block wobble', () => {
    const truth = NOMINAL * (1 + 200e-6);
    const estimates = pdBursts(new TimeDll(NOMINAL, BLOCK), 200, 300, 7);
    const settled = Math.floor((120 * NOMINAL) / BLOCK);
    let error = 0;
    let wobble = 0;
    for (let k = settled; k < estimates.length; k++) {
      error = Math.max(error, Math.abs(estimates[k]! / truth - 1) * 1e6);
      wobble = Math.max(wobble, (Math.abs(estimates[k]! - estimates[k - 1]!) / truth) * 1e6);
    }
    console.log(`      from 120 s to 300 s: max error ${error.toFixed(2)} ppm, max block-to-block change ${wobble.toFixed(3)} ppm`);
    assert.ok(error < 5, `error ${error} ppm`);
    assert.ok(wobble < 0.5, `wobble ${wobble} ppm`);
  });

  it('finds a clock 200 ppm off within 20 s (a wide start-up phase), then runs at the set bandwidth', () => {
    const period = (ppm: number) => BLOCK / (NOMINAL * (1 + ppm * 1e-6));
    // 30 s at +200 ppm, then the clock jumps to +400 ppm; the error 20 s after the jump
    const run = (bandwidth: number) => {
      const dll = new TimeDll(NOMINAL, BLOCK, bandwidth);
      let t = 0;
      let afterStartup = 0;
      for (let k = 0; t < 50; k++) {
        dll.update(t);
        t += period(t < 30 ? 200 : 400);
        if (Math.abs(t - 20) < period(200)) afterStartup = Math.abs(dll.sampleRate / (NOMINAL * (1 + 200e-6)) - 1) * 1e6;
      }
      return { afterStartup, afterJump: Math.abs(dll.sampleRate / (NOMINAL * (1 + 400e-6)) - 1) * 1e6 };
    };
    const narrow = run(0.012);
    const wide = run(0.1);
    assert.ok(narrow.afterStartup < 5, `${narrow.afterStartup} ppm off after 20 s`);
    assert.ok(wide.afterJump < 1, `bandwidth 0.1: ${wide.afterJump} ppm off 20 s after the jump`);
    assert.ok(narrow.afterJump > 20, `bandwidth 0.012: ${narrow.afterJump} ppm off 20 s after the jump`);
  });

  it('reset() and setBandwidth() restart from the nominal rate', () => {
    const dll = new TimeDll(NOMINAL, BLOCK);
    pdBursts(dll, 200, 60, 2);
    assert.notEqual(dll.sampleRate, NOMINAL);
    dll.reset();
    assert.equal(dll.sampleRate, NOMINAL);
    pdBursts(dll, 200, 60, 2);
    dll.setBandwidth(0.05);
    assert.equal(dll.sampleRate, NOMINAL);
  });
});
