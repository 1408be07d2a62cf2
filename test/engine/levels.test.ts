import { strict as assert } from 'node:assert';
import { CEILING_DB, LevelMeter, SILENCE_DB } from '../../src/engine/level-meter.ts';
import { sineBlock } from '../support/signal.ts';
import { SimEngine } from './sim-engine.ts';

const SR = 48000;
const BS = 64;
const T = BS / SR;
/** 100 ms of 64-sample blocks at 48 kHz. */
const BLOCKS_PER_REPORT = 75;

/** A 750 Hz sine (a whole number of periods in 100 ms) of amplitude 0.5 on channel 0, silence on channel 1. */
function toneAndSilence(k: number): Float32Array {
  const block = new Float32Array(2 * BS);
  block.set(sineBlock([750], 0.5, SR, BS, k * BS));
  return block;
}

/** 20·log10 of the RMS (0.5/√2) and of the peak (0.5) of that sine. */
const TONE_RMS_DB = -9;
const TONE_PEAK_DB = -6;

/** `/lvl` replies as [channel, rms, peak] triples. */
function levels(replies: readonly { atoms: readonly (number | string)[] }[]): number[][] {
  return replies.map((r) => r.atoms as number[]);
}

function assertTone(level: readonly number[] | undefined, channel: number): void {
  assert.ok(level !== undefined && level[0] === channel, `level of channel ${channel}: ${String(level)}`);
  assert.ok(Math.abs(level[1]! - TONE_RMS_DB) < 0.1 && Math.abs(level[2]! - TONE_PEAK_DB) < 0.1, `tone level ${level.join(' ')}`);
}

describe('signal levels for meters', () => {
  it('LevelMeter reports RMS and peak in dBFS per channel every 100 ms of blocks, silence at −100', () => {
    const meter = new LevelMeter(2, BS, SR);
    const reports: number[][] = [];
    for (let k = 0; k < 3 * BLOCKS_PER_REPORT - 1; k++) meter.add(toneAndSilence(k), (c, rms, peak) => reports.push([c, rms, peak]));
    assert.equal(reports.length, 4, 'two reports of two channels; the third is not complete');
    assertTone(reports[0], 0);
    assert.deepEqual(reports[1], [1, SILENCE_DB, SILENCE_DB]);
    assertTone(reports[2], 0);
  });

  it('LevelMeter shows a signal that is not a number, or beyond +12 dB, at the ceiling', () => {
    const meter = new LevelMeter(2, BS, SR);
    const reports: number[][] = [];
    const block = new Float32Array(2 * BS).fill(1000);
    block[3] = NaN;
    for (let k = 0; k < BLOCKS_PER_REPORT; k++) meter.add(block, (c, rms, peak) => reports.push([c, rms, peak]));
    assert.deepEqual(reports, [
      [0, CEILING_DB, CEILING_DB],
      [1, CEILING_DB, CEILING_DB],
    ]);
  });

  it('send~ reports the levels of what it captured, receive~ of what it plays, per channel', async () => {
    const sim = new SimEngine();
    const a = sim.host();
    const b = sim.host();
    a.open('send', 2, 9000, 1);
    b.open('receive', 2, 9001, 1, 25);
    a.method('add', '127.0.0.1', 9001, 1);
    a.method('start');
    await sim.settle();
    const blocks = 10 * BLOCKS_PER_REPORT;
    for (let k = 0; k < blocks; k++) {
      sim.advance(T);
      a.block(k, toneAndSilence(k));
      b.tick(k);
      sim.udp.deliver();
    }
    assert.deepEqual(a.errors(), []);
    assert.deepEqual(b.errors(), []);
    const sent = levels(a.take('/lvl'));
    assert.equal(sent.length, 2 * 10, 'one level per channel every 100 ms');
    for (let i = 0; i < sent.length; i += 2) {
      assertTone(sent[i], 0);
      assert.deepEqual(sent[i + 1], [1, SILENCE_DB, SILENCE_DB]);
    }
    const played = levels(b.take('/lvl'));
    assert.equal(played.length, 2 * 10);
    const first = played[0]!;
    assert.ok(first[0] === 0 && first[1]! < TONE_RMS_DB - 0.5, `the first 100 ms start with the sink's latency (silence): ${first.join(' ')}`);
    // The stream plays from 25 ms + local latency on; the last reports are the whole tone.
    for (let i = played.length - 10; i < played.length; i += 2) {
      assertTone(played[i], 0);
      assert.deepEqual(played[i + 1], [1, SILENCE_DB, SILENCE_DB]);
    }
  });
});
