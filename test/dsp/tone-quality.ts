import { fitSine } from '../support/signal.ts';
/** Measuring what a resampler does to a sine tone; shared by the dsp tests and bench/dsp.ts. */
import type { Resampler } from '../../src/dsp/resampler/resampler.ts';

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
