import { strict as assert } from 'node:assert';
import { PcmBitDepth, pcmExtension } from '../../src/codec/registry.ts';
import type { SinkEvent } from '../../src/stream/events.ts';
import { conversionRun } from './conversion-run.ts';
import { SOURCE_ADDRESS } from './two-hosts.ts';

const SR = 48000;
const BLOCK = 64;
const LATENCY = 0.05;

interface DriftResult {
  /** Seconds (simulated) at which each overrun or underrun happened. */
  readonly xruns: { readonly type: SinkEvent['type']; readonly at: number }[];
  /** Mean buffer latency of each minute, seconds. */
  readonly minuteMeans: number[];
}

/**
 * Source clock `ppm` off against the sink's, both hosts delivering ticks in Pd's bursts with
 * stalls (test/support/sim/clock.ts), 48 kHz / 64, mono PCM. The cubic interpolator keeps 30
 * simulated minutes fast; clock following is the same for every mode.
 */
function driftRun(ppm: number, dynamicResampling: boolean, minutes: number): DriftResult {
  const xruns: DriftResult['xruns'] = [];
  const { hosts, sink } = conversionRun(
    {
      format: { codec: 'pcm', channels: 1, sampleRate: SR, blockSize: BLOCK, extension: pcmExtension(PcmBitDepth.float32) },
      sourceHost: { sampleRate: SR, blockSize: BLOCK, ppm, burst: 'pd-default', seed: 3 },
      sinkHost: { sampleRate: SR, blockSize: BLOCK, burst: 'pd-default', seed: 4 },
      sink: { latency: LATENCY, resampleMode: 'cubic', dynamicResampling },
      source: { dynamicResampling },
    },
    {
      fill: (block) => block.fill(0.25),
      played: (_block, events) => {
        for (const e of events) if (e.type === 'BufferOverrun' || e.type === 'BufferUnderrun') xruns.push({ type: e.type, at: hosts.now });
      },
    },
  );
  const minuteMeans: number[] = [];
  for (let minute = 0; minute < minutes; minute++) {
    let sum = 0;
    for (let k = 1; k <= 600; k++) {
      hosts.runUntil(minute * 60 + k * 0.1);
      sum += sink.bufferLatency(SOURCE_ADDRESS) ?? 0;
    }
    minuteMeans.push(sum / 600);
  }
  return { xruns, minuteMeans };
}

describe('stream: clock drift between source and sink (simulated time, bursty Pd ticks)', function () {
  this.timeout(120_000);

  for (const ppm of [200, -200]) {
    it(`source ${ppm > 0 ? '+' : ''}${ppm} ppm, dynamic resampling on, 30 minutes: no xrun, buffer latency within one block of its setting`, () => {
      const { xruns, minuteMeans } = driftRun(ppm, true, 30);
      assert.deepEqual(xruns, []);
      const worst = Math.max(...minuteMeans.map((m) => Math.abs(m - LATENCY)));
      console.log(`      worst minute mean: ${(worst * 1000).toFixed(2)} ms off the 50 ms setting (one block: 1.33 ms)`);
      assert.ok(worst <= BLOCK / SR, `buffer latency off by ${(worst * 1000).toFixed(2)} ms`);
    });
  }

  it('the same drift with dynamic resampling off: overruns at +200 ppm, underruns at −200 ppm, when the headroom runs out', () => {
    // 200 ppm moves the level by 9.6 samples/s. Overrun: the jitter buffer holds 2 × latency,
    // so the 50 ms of headroom lasts at most 260 s, less when a burst or a stall (up to 20 ms)
    // lands on top. Underrun: the 50 ms of buffered audio lasts as long, less a stall.
    const limits = { earliest: 0.02 / 200e-6, latest: 0.052 / 200e-6 };
    for (const [ppm, type] of [
      [200, 'BufferOverrun'],
      [-200, 'BufferUnderrun'],
    ] as const) {
      const { xruns } = driftRun(ppm, false, 10);
      assert.ok(xruns.length >= 2, `${ppm} ppm: ${xruns.length} xruns in 10 minutes`);
      assert.ok(
        xruns.every((x) => x.type === type),
        `${ppm} ppm: ${xruns.map((x) => x.type)}`,
      );
      const first = xruns[0]!.at;
      assert.ok(first >= limits.earliest && first <= limits.latest, `${ppm} ppm: first ${type} after ${first.toFixed(0)} s`);
    }
  });
});
