import { strict as assert } from 'node:assert';
import type { Atom } from '../../src/engine/control-protocol.ts';
import { TICK_MODULUS, addTicks } from '../../src/engine/host-clock.ts';
import { DEFAULT_LOCAL_LATENCY } from '../../src/engine/receive-object.ts';
import { seededRandom } from '../../src/util/random.ts';
import { fitTone, sineBlock } from '../support/signal.ts';
import { type SimHost, SimEngine } from './sim-engine.ts';

const SR = 48000;
const BS = 64;
const T = BS / SR;
const FREQS = [440, 660];

/** Seeded noise, 2 channels, long enough for the bit-exact test. */
const NOISE = [1, 2].map((seed) => {
  const r = seededRandom(seed);
  return Float32Array.from({ length: 3000 * BS }, () => r() - 0.5);
});

function noiseBlock(k: number): Float32Array {
  const block = new Float32Array(2 * BS);
  NOISE.forEach((n, c) => block.set(n.subarray(k * BS, (k + 1) * BS), c * BS));
  return block;
}

function sineAt(k: number): Float32Array {
  return sineBlock(FREQS, 0.5, SR, BS, k * BS);
}

interface Played {
  readonly tick: number;
  readonly samples: Atom[];
}

/** A send~ on port 9000 streaming to a receive~ on 9001, both in one engine; `ticks` DSP ticks. */
function streamSetup(sim: SimEngine, receiveMethods: [string, ...Atom[]][] = []) {
  const a = sim.host();
  const b = sim.host();
  a.open('send', 2, 9000, 1);
  b.open('receive', 2, 9001, 1, 25);
  for (const [selector, ...args] of receiveMethods) b.method(selector, ...args);
  a.method('add', '127.0.0.1', 9001, 1);
  a.method('start');
  return { a, b };
}

/** Runs ticks first…first+count−1 through both hosts; returns B's /out replies. */
function run(sim: SimEngine, a: SimHost, b: SimHost, first: number, count: number, skip = (_k: number) => false, signal = sineAt): Played[] {
  const played: Played[] = [];
  for (let k = first; k < first + count; k++) {
    sim.advance(T);
    const tick = k % TICK_MODULUS;
    if (!skip(k)) a.block(tick, signal(k));
    b.tick(tick);
    sim.udp.deliver();
    played.push(...b.take('/out').map((r) => ({ tick: r.atoms[0] as number, samples: r.atoms.slice(1) })));
  }
  return played;
}

/** Channel `c` of the played blocks, concatenated. */
function channel(played: readonly Played[], c: number): Float32Array {
  const x = new Float32Array(played.length * BS);
  played.forEach((p, i) => x.set(p.samples.slice(c * BS, (c + 1) * BS) as number[], i * BS));
  return x;
}

describe('engine streams in simulated time', () => {
  it('plays what a send~ captured, bit-exactly (PCM float32), each block stamped tick + D', async () => {
    const sim = new SimEngine();
    const { a, b } = streamSetup(sim);
    await sim.settle();
    const played = run(sim, a, b, 1000, 2000, () => false, noiseBlock);
    assert.deepEqual(a.errors(), []);
    assert.deepEqual(b.errors(), []);
    assert.deepEqual(
      played.map((p) => p.tick),
      Array.from({ length: 2000 }, (_, i) => 1000 + i + DEFAULT_LOCAL_LATENCY),
    );
    for (let c = 0; c < 2; c++) {
      const x = channel(played, c);
      const first = x.findIndex((v) => v !== 0);
      assert.ok(first > 0 && first < 0.1 * SR, `sound starts at ${first}`);
      // Noise does not repeat: one delay maps every played sample to a captured one.
      const sent = NOISE[c]!.subarray(1000 * BS);
      let delay = -1;
      for (let d = 0; d <= first && delay < 0; d++) {
        if (x.subarray(first, first + BS).every((v, j) => v === sent[first + j - d])) delay = d;
      }
      assert.equal(delay, first, 'the first sample played is the first one captured');
      for (let i = first; i < x.length; i++) assert.equal(x[i], sent[i - delay], `channel ${c} sample ${i}`);
    }
  });

  it('streams Opus in 480-sample blocks between 64-sample host blocks', async () => {
    const sim = new SimEngine();
    const { a, b } = streamSetup(sim);
    a.method('format', 'opus', 2, 480, 48000);
    await sim.settle();
    assert.deepEqual(a.errors(), []);
    const x = channel(run(sim, a, b, 0, 1500), 1);
    const tail = x.subarray(x.length - SR);
    const tone = fitTone(tail, FREQS[1]!, SR);
    assert.ok(Math.abs(tone.frequency - FREQS[1]!) < 0.5 && tone.snrDb > 20, JSON.stringify(tone));
  });

  it('bridges lost capture blocks with silence and counts them; drops late ones', async () => {
    const sim = new SimEngine();
    const { a, b } = streamSetup(sim);
    await sim.settle();
    const lost = new Set([1500, 1501, 1502]);
    const played = run(sim, a, b, 1000, 1000, (k) => lost.has(k));
    a.block(1600, new Float32Array(2 * BS));
    a.block(1999, new Float32Array(2 * BS));
    sim.advance(0.5);
    assert.deepEqual(a.take('/hb').at(-1)?.atoms, [0, 5], '3 lost, 2 late');
    const x = channel(played, 0);
    const silent: number[] = [];
    for (let blk = 0; blk < played.length; blk++) if (x.subarray(blk * BS, (blk + 1) * BS).every((v) => v === 0)) silent.push(blk);
    const gap = silent.filter((blk) => blk > 100);
    assert.equal(gap.length, 3, `silent blocks after the start: ${gap.join(' ')}`);
    assert.deepEqual(gap, [gap[0]!, gap[0]! + 1, gap[0]! + 2]);
  });

  it('computes the blocks of lost /tick messages too, so the host clock and the stream stay aligned', async () => {
    const sim = new SimEngine();
    const { a, b } = streamSetup(sim);
    await sim.settle();
    const played: number[] = [];
    for (let k = 0; k < 100; k++) {
      sim.advance(T);
      a.block(k, sineBlock(FREQS, 0.5, SR, BS, k * BS));
      if (k % 10 !== 5) b.tick(k);
      sim.udp.deliver();
      played.push(...b.take('/out').map((r) => r.atoms[0] as number));
    }
    assert.deepEqual(played, Array.from({ length: 100 }, (_, k) => k + DEFAULT_LOCAL_LATENCY));
    sim.advance(0.5);
    assert.deepEqual(b.take('/hb').at(-1)?.atoms, [Math.fround((DEFAULT_LOCAL_LATENCY * BS * 1000) / SR), 10]);
  });

  it('stamps across the 2^24 wrap of the tick counter', async () => {
    const sim = new SimEngine();
    const { a, b } = streamSetup(sim);
    await sim.settle();
    const played = run(sim, a, b, TICK_MODULUS - 5, 10);
    assert.deepEqual(
      played.map((p) => p.tick),
      Array.from({ length: 10 }, (_, i) => addTicks(TICK_MODULUS - 5 + i, DEFAULT_LOCAL_LATENCY)),
    );
  });

  it('follows local_latency (ms, rounded up to whole blocks): a longer one fills the ticks in between, a shorter one skips what was sent', async () => {
    const sim = new SimEngine();
    const { a, b } = streamSetup(sim, [['local_latency', 16]]);
    await sim.settle();
    const ticks = (first: number, count: number) => run(sim, a, b, first, count).map((p) => p.tick);
    assert.deepEqual(ticks(0, 5), [12, 13, 14, 15, 16]);
    b.method('local_latency', 18.5);
    assert.deepEqual(ticks(5, 1), [17, 18, 19]);
    b.method('local_latency', 13);
    assert.deepEqual(ticks(6, 5), [20]);
    sim.advance(0.5);
    assert.deepEqual(b.take('/hb').at(-1)?.atoms, [Math.fround((10 * BS * 1000) / SR), 0]);
    b.method('local_latency', 0);
    sim.advance(0.5);
    assert.deepEqual(b.take('/hb').at(-1)?.atoms, [Math.fround((2 * BS * 1000) / SR), 0], 'never less than two blocks');
    b.method('local_latency', 100);
    assert.deepEqual(b.errors(), ['aoo.receive~ 9001 1: local_latency: expects a number 0…64 (got 100)']);
  });
});
