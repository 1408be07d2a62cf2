import { strict as assert } from 'node:assert';
import { type ResampleMode, Resampler } from '../../src/dsp/resampler/resampler.ts';
import { seededRandom } from '../../src/util/random.ts';
import { heapCost, NOTHING_BYTES } from '../support/heap-cost.ts';
import { driftTone, resampleTone, snrDb, spuriousDb } from './tone-quality.ts';

function noise(channels: number, frames: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: channels * frames }, () => random() * 2 - 1);
}

/**
 * Pushes `input` (planar, channels × frames) in `inBlock`s and pulls `outBlock`s while it can;
 * returns what came out, planar with channel c at [c*stride, c*stride + frames).
 */
function reblock(resampler: Resampler, input: Float32Array, frames: number, inBlock: number, outBlock: number) {
  const { channels } = resampler;
  const outFrames = Math.floor(frames / outBlock) * outBlock;
  const result = new Float32Array(channels * outFrames);
  const inBuf = new Float32Array(channels * inBlock);
  const outBuf = new Float32Array(channels * outBlock);
  let done = 0;
  for (let start = 0; start + inBlock <= frames; start += inBlock) {
    for (let c = 0; c < channels; c++) inBuf.set(input.subarray(c * frames + start, c * frames + start + inBlock), c * inBlock);
    resampler.push(inBuf, inBlock);
    while (resampler.pull(outBuf, outBlock)) {
      for (let c = 0; c < channels; c++) result.set(outBuf.subarray(c * outBlock, (c + 1) * outBlock), c * outFrames + done);
      done += outBlock;
    }
  }
  return { output: result, stride: outFrames, frames: done };
}

// 0 − v rather than −v: silence comes out as +0
const negated = (values: number[]) => values.map((v) => 0 - v);

/** One planar block of two channels: `values` and their negation. */
function pushTwoChannels(resampler: Resampler, values: number[]): void {
  resampler.push(Float32Array.from([...values, ...negated(values)]), values.length);
}

describe('Resampler', () => {
  describe('copy path (equal rates)', () => {
    for (const [inBlock, outBlock] of [
      [64, 256],
      [256, 64],
      [37, 100],
    ] as const) {
      it(`reblocks ${inBlock} → ${outBlock} bit-exactly with no latency`, () => {
        const frames = 256 * 40;
        const input = noise(2, frames, inBlock);
        const r = new Resampler({ channels: 2, inputRate: 48000, outputRate: 48000, maxInputBlock: inBlock, maxOutputBlock: outBlock });
        assert.equal(r.latency(), 0);
        const { output, stride, frames: outFrames } = reblock(r, input, frames, inBlock, outBlock);
        assert.equal(outFrames, stride);
        for (let c = 0; c < 2; c++) {
          assert.deepEqual(output.subarray(c * stride, (c + 1) * stride), input.subarray(c * frames, c * frames + stride));
        }
      });
    }
  });

  describe('wire-spec §9.3 formulas (ratio 4:3, 36 → 48 kHz)', () => {
    const options = { channels: 2, inputRate: 36000, outputRate: 48000, maxInputBlock: 4, maxOutputBlock: 8 };

    it('linear: y = a + (b − a)·f, primed with 1 frame of silence', () => {
      const r = new Resampler({ ...options, mode: 'linear' });
      pushTwoChannels(r, [1, 2, 4, 8]);
      // read positions 0, .75, 1.5, 2.25, 3, 3.75 over [0 | 1, 2, 4, 8]
      const expected = [0, 0.75, 1.5, 2.5, 4, 7];
      assert.equal(r.availableFrames(), expected.length);
      assert.equal(r.latency(), 1 / 0.75);
      const out = new Float32Array(2 * expected.length);
      assert.ok(r.pull(out, expected.length));
      assert.deepEqual([...out], [...expected, ...negated(expected)]);
    });

    it("cubic: Pd's tabread4~, primed with 2 frames of silence", () => {
      const r = new Resampler({ ...options, mode: 'cubic' });
      pushTwoChannels(r, [1, 2, 4, 8]);
      // Over [0 | 0, 0, 1, 2, 4, 8] from index 1: (a, b, c, d, f) = (0, 0, 0, 0, 0), (0, 0, 0, 1, .75),
      // (0, 0, 1, 2, .5), (0, 1, 2, 4, .25), (0, 1, 2, 4, 1 → b of the next), (1, 2, 4, 8, .75).
      // e.g. frame 1: 0 + .75·(0 − (1/6)·.25·((1 − 0 − 0)·.75 + (1 + 0 − 0))) = −0.0546875
      const expected = [0, -0.0546875, 0.4375, 1.2109375, 2, 3.3515625];
      assert.equal(r.availableFrames(), expected.length);
      assert.equal(r.latency(), 2 / 0.75);
      const out = new Float32Array(2 * expected.length);
      assert.ok(r.pull(out, expected.length));
      assert.deepEqual([...out], [...expected, ...negated(expected)]);
    });
  });

  describe('audio quality', () => {
    /** Tone through a stereo resampler in 64-frame blocks; frame count after the start-up transient. */
    function tone(mode: ResampleMode, inputRate: number, outputRate: number, frequency: number) {
      const r = new Resampler({ channels: 2, inputRate, outputRate, mode, maxInputBlock: 64, maxOutputBlock: 64 });
      const y = resampleTone(r, { inputRate, frequency, amplitude: 0.5, inputFrames: inputRate, inputBlock: 64, outputBlock: 64 });
      return { y, start: 2048, f: frequency / outputRate, latency: r.latency() };
    }
    const snr = (mode: ResampleMode, inputRate: number, outputRate: number) => {
      const { y, start, f, latency } = tone(mode, inputRate, outputRate, 1000);
      return snrDb(y, start, y.length, f, 0.5, latency);
    };
    const aliases = (mode: ResampleMode) => {
      const { y, start, f } = tone(mode, 48000, 44100, 20000);
      return spuriousDb(y, start, y.length, f);
    };

    it('sinc: SNR of a 1 kHz tone 44.1 ↔ 48 kHz >= 90 dB (against the ideal sine delayed by latency())', () => {
      const up = snr('sinc', 44100, 48000);
      const down = snr('sinc', 48000, 44100);
      console.log(`      sinc 1 kHz SNR: 44.1→48 ${up.toFixed(1)} dB, 48→44.1 ${down.toFixed(1)} dB`);
      for (const mode of ['cubic', 'linear'] as const) {
        console.log(`      ${mode} 1 kHz SNR: 44.1→48 ${snr(mode, 44100, 48000).toFixed(1)} dB, 48→44.1 ${snr(mode, 48000, 44100).toFixed(1)} dB`);
      }
      assert.ok(up >= 90, `44.1→48: ${up} dB`);
      assert.ok(down >= 90, `48→44.1: ${down} dB`);
    });

    it('sinc: everything but a 20 kHz tone is >= 80 dB down after 48 → 44.1 kHz', () => {
      const down = aliases('sinc');
      console.log(`      20 kHz 48→44.1, aliases down by: sinc ${down.toFixed(1)} dB, cubic ${aliases('cubic').toFixed(1)} dB, linear ${aliases('linear').toFixed(1)} dB`);
      assert.ok(down >= 80, `${down} dB`);
    });

    for (const [inputRate, outputRate, inBlock, outBlock] of [
      [8000, 192000, 37, 512],
      [192000, 8000, 512, 37],
      [22050, 96000, 100, 64],
      [96000, 44100, 64, 100],
      [16000, 48000, 1, 7],
    ] as const) {
      it(`sinc: ${inputRate} → ${outputRate} Hz in blocks of ${inBlock} → ${outBlock}, SNR >= 90 dB`, () => {
        const r = new Resampler({ channels: 1, inputRate, outputRate, maxInputBlock: inBlock, maxOutputBlock: outBlock });
        const frequency = Math.min(inputRate, outputRate) / 8;
        const y = resampleTone(r, { inputRate, frequency, amplitude: 0.5, inputFrames: inputRate / 2, inputBlock: inBlock, outputBlock: outBlock });
        const start = Math.ceil(2 * r.latency()) + 64;
        const snr = snrDb(y, start, y.length, frequency / outputRate, 0.5, r.latency());
        assert.ok(snr >= 90, `${snr} dB`);
      });
    }

    it('sinc at ratio 1 (dynamic: the drift kernel) is a pure delay of latency() frames', () => {
      const frames = 4096;
      const input = noise(2, frames, 1);
      const r = new Resampler({ channels: 2, inputRate: 48000, outputRate: 48000, dynamic: true, maxInputBlock: 64, maxOutputBlock: 64 });
      const delay = r.latency();
      assert.equal(delay, 8);
      const { output, stride, frames: outFrames } = reblock(r, input, frames, 64, 64);
      assert.equal(outFrames, frames);
      for (let c = 0; c < 2; c++) {
        const channel = output.subarray(c * stride, (c + 1) * stride);
        assert.ok(channel.subarray(0, delay).every((v) => v === 0));
        assert.deepEqual(channel.subarray(delay), input.subarray(c * frames, c * frames + frames - delay));
      }
    });

    it('sinc within 1 % of ratio 1 takes the 16-tap drift kernel, beyond it the 64-tap conversion kernel', () => {
      const lookahead = (inputRate: number, dynamic: boolean) => {
        const r = new Resampler({ channels: 1, inputRate, outputRate: 48000, dynamic, maxInputBlock: 64, maxOutputBlock: 64 });
        return r.latency() * r.step;
      };
      assert.equal(lookahead(48000, true), 8);
      assert.equal(lookahead(48000 * 0.991, true), 8);
      // downsampling: cutoff 1/1.009, so 8 zero crossings span 8.07 input frames
      assert.equal(lookahead(48000 * 1.009, false), 9);
      assert.equal(lookahead(48000 * 0.989, true), 32);
      assert.equal(lookahead(44100, false), 32);
    });

    it('sinc following clock drift (ratio 1 ± 100 ppm): SNR and THD+N of 1 kHz and 10 kHz tones >= 95 dB', () => {
      for (const mode of ['sinc', 'cubic', 'linear'] as const) {
        const figures = [1000, 10000].flatMap((frequency) =>
          [100, -100].map((ppm) => ({ frequency, ppm, ...driftTone(mode, frequency, ppm) })),
        );
        console.log(
          `      ${mode} at ratio 1 ± 100 ppm: ${figures.map((q) => `${q.frequency / 1000} kHz ${q.ppm > 0 ? '+' : ''}${q.ppm}: SNR ${q.snrDb.toFixed(1)} THD+N ${q.thdNDb.toFixed(1)}`).join(', ')} dB`,
        );
        if (mode !== 'sinc') continue;
        for (const q of figures) {
          assert.ok(q.snrDb >= 95 && q.thdNDb >= 95, `${q.frequency} Hz at ${q.ppm} ppm: SNR ${q.snrDb} dB, THD+N ${q.thdNDb} dB`);
        }
      }
    });
  });

  describe('dynamic ratio', () => {
    for (const mode of ['sinc', 'cubic', 'linear'] as const) {
      it(`${mode}: a ratio jumping randomly within ±200 ppm every block leaves the waveform as smooth as a fixed ratio`, () => {
        // 200 Hz sine: a click or a skipped/repeated sample would show as a large step or kink
        const roughness = (ppm: number) => {
          const random = seededRandom(3);
          const r = new Resampler({ channels: 2, inputRate: 48000, outputRate: 48000, mode, dynamic: true, maxInputBlock: 64, maxOutputBlock: 64 });
          const y = resampleTone(r, {
            inputRate: 48000,
            frequency: 200,
            amplitude: 0.5,
            inputFrames: 48000,
            inputBlock: 64,
            outputBlock: 64,
            beforePull: () => r.setRatio(48000 * (1 + ppm * 1e-6 * (2 * random() - 1)), 48000),
          });
          let step = 0;
          let kink = 0;
          for (let k = 1024; k < y.length; k++) {
            step = Math.max(step, Math.abs(y[k]! - y[k - 1]!));
            kink = Math.max(kink, Math.abs(y[k]! - 2 * y[k - 1]! + y[k - 2]!));
          }
          return { step, kink };
        };
        const fixed = roughness(0);
        const varying = roughness(200);
        assert.ok(varying.step <= fixed.step * 1.001, `step ${varying.step} vs ${fixed.step}`);
        assert.ok(varying.kink <= fixed.kink * 1.01 + 1e-6, `kink ${varying.kink} vs ${fixed.kink}`);
      });
    }

    it('setRatio needs dynamic: true', () => {
      const r = new Resampler({ channels: 1, inputRate: 44100, outputRate: 48000, maxInputBlock: 64, maxOutputBlock: 64 });
      assert.throws(() => r.setRatio(44100, 48001), /dynamic/);
    });
  });

  describe('position bookkeeping', () => {
    for (const mode of ['sinc', 'cubic', 'linear'] as const) {
      it(`${mode}: readPosition() names the output frame of every input impulse, under a ratio that changes every block`, () => {
        const random = seededRandom(12);
        const r = new Resampler({ channels: 1, inputRate: 44100, outputRate: 48000, mode, dynamic: true, maxInputBlock: 64, maxOutputBlock: 100 });
        const impulses = Array.from({ length: 40 }, (_, k) => 1000 + k * 997);
        const input = new Float32Array(64);
        const output = new Float32Array(100);
        const predicted: number[] = [];
        const peaks: number[] = [];
        let pushed = 0;
        let pulled = 0;
        let previous = 0;
        let beforePrevious = 0;
        while (pushed < 41_000) {
          input.fill(0);
          for (const n of impulses) if (n >= pushed && n < pushed + 64) input[n - pushed] = 1;
          r.push(input, 64);
          pushed += 64;
          r.setRatio(44100 * (1 + 300e-6 * (2 * random() - 1)), 48000);
          while (r.availableFrames() >= 100) {
            const at = r.readPosition();
            for (const n of impulses) {
              const k = Math.round((n - at) / r.step);
              if (k >= 0 && k < 100) predicted.push(pulled + k);
            }
            r.pull(output, 100);
            for (let i = 0; i < 100; i++) {
              // a local maximum above 0.5 at the frame before this one
              if (previous > 0.5 && previous >= beforePrevious && previous > output[i]!) peaks.push(pulled + i - 1);
              beforePrevious = previous;
              previous = output[i]!;
            }
            pulled += 100;
          }
        }
        assert.equal(predicted.length, impulses.length);
        assert.deepEqual(peaks, predicted);
      });
    }

    for (const [mode, seconds] of [
      ['linear', 3600],
      ['sinc', 60],
    ] as const) {
      it(`${mode}: output frames after ${seconds} s of 44.1 kHz input = input × 48/44.1 within 1 frame`, () => {
        const r = new Resampler({ channels: 1, inputRate: 44100, outputRate: 48000, mode, maxInputBlock: 441, maxOutputBlock: 256 });
        const input = new Float32Array(441);
        const output = new Float32Array(256);
        const inputFrames = 44100 * seconds;
        let outputFrames = 0;
        for (let pushed = 0; pushed < inputFrames; pushed += 441) {
          r.push(input, 441);
          while (r.pull(output, 256)) outputFrames += 256;
        }
        outputFrames += r.availableFrames();
        assert.ok(Math.abs(outputFrames - (inputFrames * 48000) / 44100) <= 1, `${outputFrames} frames`);
      });
    }
  });

  describe('API', () => {
    it('pull returns false and writes nothing when too few frames are available', () => {
      const r = new Resampler({ channels: 2, inputRate: 44100, outputRate: 48000, maxInputBlock: 64, maxOutputBlock: 256 });
      r.push(new Float32Array(128).fill(1), 64);
      const out = new Float32Array(512).fill(7);
      assert.ok(r.availableFrames() < 256);
      assert.equal(r.pull(out, 256), false);
      assert.ok(out.every((v) => v === 7));
    });

    it('push throws on overflow instead of dropping audio', () => {
      const r = new Resampler({ channels: 1, inputRate: 48000, outputRate: 48000, maxInputBlock: 64, maxOutputBlock: 64 });
      const block = new Float32Array(64);
      assert.throws(() => {
        for (let i = 0; i < 100; i++) r.push(block, 64);
      }, RangeError);
    });

    for (const [label, inputRate, dynamic] of [
      ['copy path (48 → 48 kHz)', 48000, false],
      ['drift kernel (48 → 48 kHz, ratio changing every block)', 48000, true],
      ['conversion kernel (44.1 → 48 kHz)', 44100, false],
    ] as const) {
      it(`allocates nothing once running: ${label}, 2,000 blocks of 480 in and 64 out`, async () => {
        const r = new Resampler({ channels: 2, inputRate, outputRate: 48000, dynamic, maxInputBlock: 480, maxOutputBlock: 64 });
        const input = noise(2, 480, 9);
        const output = new Float32Array(2 * 64);
        let k = 0;
        const op = () => {
          // literal rates: a computed double passed to a call would be the test's own allocation
          if (dynamic) r.setRatio(++k & 1 ? 48004.8 : 47995.2, 48000);
          if (!r.pull(output, 64)) {
            r.push(input, 480);
            r.pull(output, 64);
          }
        };
        for (let i = 0; i < 2000; i++) op();
        const cost = await heapCost(op, 2000, 5);
        assert.equal(cost.gcs, 0, `${cost.gcs} garbage collections`);
        assert.ok(cost.bytes < NOTHING_BYTES, `heap grew by ${cost.bytes} bytes`);
      });
    }

    it('reset() returns to the primed start state', () => {
      const options = { channels: 1, inputRate: 44100, outputRate: 48000, maxInputBlock: 64, maxOutputBlock: 64 } as const;
      const input = noise(1, 64 * 8, 5);
      const fresh = reblock(new Resampler(options), input, 64 * 8, 64, 64).output;
      const used = new Resampler(options);
      reblock(used, noise(1, 64 * 3, 6), 64 * 3, 64, 64);
      used.reset();
      assert.deepEqual(reblock(used, input, 64 * 8, 64, 64).output, fresh);
    });
  });
});
