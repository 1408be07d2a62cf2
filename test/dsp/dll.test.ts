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

  it('a wider bandwidth settles faster', () => {
    const ppmAfter20s = (bandwidth: number) => {
      const dll = new TimeDll(NOMINAL, BLOCK, bandwidth);
      const period = BLOCK / (NOMINAL * (1 + 200e-6));
      for (let k = 0; k * period < 20; k++) dll.update(k * period);
      return Math.abs(dll.sampleRate / (NOMINAL * (1 + 200e-6)) - 1) * 1e6;
    };
    assert.ok(ppmAfter20s(0.1) < 1, `${ppmAfter20s(0.1)} ppm`);
    assert.ok(ppmAfter20s(0.012) > 20, `${ppmAfter20s(0.012)} ppm`);
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
