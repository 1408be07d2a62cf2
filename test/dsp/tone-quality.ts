/** Measuring what a resampler does to a sine tone; shared by the dsp tests and bench/dsp.ts. */
import { type ResampleMode, Resampler } from '../../src/dsp/resampler/resampler.ts';
import { fitSine } from '../support/signal.ts';

export interface ToneRun {
  readonly inputRate: number;
  /** Hz. */
  readonly frequency: number;
  readonly amplitude: number;
  readonly inputFrames: number;
  readonly inputBlock: number;
  readonly outputBlock: number;
  /** Called before each pull with the number of blocks pulled so far (to change the ratio). */
  readonly beforePull?: (pulled: number) => void;
}

/** Pushes a sine (the same on every channel) through `resampler`; returns channel 0 of everything pulled. */
export function resampleTone(resampler: Resampler, run: ToneRun): Float64Array {
  const { channels } = resampler;
  const { inputRate, frequency, amplitude, inputFrames, inputBlock, outputBlock } = run;
  const input = new Float32Array(channels * inputBlock);
  const output = new Float32Array(channels * outputBlock);
  const result: number[] = [];
  let pulled = 0;
  for (let start = 0; start + inputBlock <= inputFrames; start += inputBlock) {
    for (let i = 0; i < inputBlock; i++) {
      const v = amplitude * Math.sin((2 * Math.PI * frequency * (start + i)) / inputRate);
      for (let c = 0; c < channels; c++) input[c * inputBlock + i] = v;
    }
    resampler.push(input, inputBlock);
    for (;;) {
      run.beforePull?.(pulled);
      if (!resampler.pull(output, outputBlock)) break;
      for (let i = 0; i < outputBlock; i++) result.push(output[i]!);
      pulled++;
    }
  }
  return Float64Array.from(result);
}

/**
 * Signal-to-noise ratio in dB of y[start, end) against the ideal A·sin(2π·f·(k − delay)),
 * f in cycles per output frame, delay in output frames: everything that differs counts as noise.
 */
export function snrDb(y: Float64Array, start: number, end: number, f: number, amplitude: number, delay: number): number {
  let signal = 0;
  let noise = 0;
  for (let k = start; k < end; k++) {
    const ideal = amplitude * Math.sin(2 * Math.PI * f * (k - delay));
    signal += ideal * ideal;
    noise += (y[k]! - ideal) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/**
 * How far in dB everything at other frequencies than f (cycles per output frame) lies below
 * the tone at f: the tone is removed by a least-squares fit of its amplitude and phase, so
 * gain and delay do not count, only aliases, images and noise.
 */
export function spuriousDb(y: Float64Array, start: number, end: number, f: number): number {
  return fitSine(y.subarray(start, end), f, 1).snrDb;
}

/**
 * A 1 s tone through a stereo 48 → 48 kHz dynamic resampler held at ratio 1 + ppm·10⁻⁶, as a
 * sink following a drifting source runs it; the read position sweeps every fraction several
 * times. SNR is against the ideal tone at the shifted pitch, THD+N everything but the tone.
 */
export function driftTone(mode: ResampleMode, frequency: number, ppm: number): { snrDb: number; thdNDb: number } {
  const rate = 48000;
  const r = new Resampler({ channels: 2, inputRate: rate, outputRate: rate, mode, dynamic: true, maxInputBlock: 64, maxOutputBlock: 64 });
  r.setRatio(rate * (1 + ppm * 1e-6), rate);
  const y = resampleTone(r, { inputRate: rate, frequency, amplitude: 0.5, inputFrames: rate, inputBlock: 64, outputBlock: 64 });
  const f = (frequency * r.step) / rate;
  return { snrDb: snrDb(y, 1024, y.length, f, 0.5, r.latency()), thdNDb: spuriousDb(y, 1024, y.length, f) };
}
