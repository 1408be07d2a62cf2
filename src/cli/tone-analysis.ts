/** Measuring the tones `demo` received: where the sound is, and its frequency (Goertzel). */

/** First and last index where |x| exceeds `threshold`; undefined if it never does. */
export function soundingRange(x: Float32Array, threshold: number): { readonly first: number; readonly last: number } | undefined {
  const first = x.findIndex((v) => Math.abs(v) > threshold);
  if (first < 0) return undefined;
  return { first, last: x.findLastIndex((v) => Math.abs(v) > threshold) };
}

/** x times a Hann window: the spectrum of a tone becomes one smooth peak, 2 bins to each side. */
function hann(x: Float32Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / Math.max(1, n - 1)));
  return out;
}

/** Squared magnitude of x at `frequency` Hz (Goertzel). */
function power(x: Float64Array, frequency: number, sampleRate: number): number {
  const c = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/** The frequency in [from, to] Hz, in `step` Hz steps, where x is strongest. */
function peak(x: Float64Array, sampleRate: number, from: number, to: number, step: number): number {
  let best = from;
  let bestPower = -1;
  for (let k = 0; from + k * step <= to; k++) {
    const f = from + k * step;
    const p = power(x, f, sampleRate);
    if (p > bestPower) [best, bestPower] = [f, p];
  }
  return best;
}

/** Length of the coarse search window: 10 Hz bins. */
const COARSE_WINDOW_SECONDS = 0.1;
/** Resolution of the fine search. */
const FINE_STEP_HZ = 0.05;

/**
 * The dominant frequency of x between `from` and `to` Hz: a coarse search, one bin per step, on
 * a short window (a Hann-windowed tone is then within half a bin of a step), then a fine one
 * on all of x around that step. Accurate to about 0.1 Hz for a one-second tone.
 */
export function dominantFrequency(x: Float32Array, sampleRate: number, from: number, to: number): number {
  const short = Math.min(x.length, Math.round(COARSE_WINDOW_SECONDS * sampleRate));
  const start = Math.floor((x.length - short) / 2);
  const bin = sampleRate / short;
  const coarse = peak(hann(x.subarray(start, start + short)), sampleRate, from, to, bin);
  return peak(hann(x), sampleRate, Math.max(from, coarse - bin), Math.min(to, coarse + bin), FINE_STEP_HZ);
}
