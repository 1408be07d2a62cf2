/** Small signal-analysis helpers for the codec tests. */

/** Planar block of sines: channel c at frequency freqs[c], sample index starting at `start`. */
export function sineBlock(
  freqs: readonly number[],
  amplitude: number,
  sampleRate: number,
  blockSize: number,
  start: number,
): Float32Array {
  const block = new Float32Array(freqs.length * blockSize);
  freqs.forEach((f, c) => {
    for (let i = 0; i < blockSize; i++) {
      block[c * blockSize + i] = amplitude * Math.sin((2 * Math.PI * f * (start + i)) / sampleRate);
    }
  });
  return block;
}

/** Frequency from the interpolated positions of the first and last rising zero crossings. */
export function zeroCrossingFrequency(x: ArrayLike<number>, sampleRate: number): number {
  let first = -1;
  let last = -1;
  let cycles = -1;
  for (let i = 1; i < x.length; i++) {
    const a = x[i - 1]!;
    const b = x[i]!;
    if (a < 0 && b >= 0) {
      const t = i - 1 + a / (a - b);
      if (first < 0) first = t;
      last = t;
      cycles++;
    }
  }
  return cycles > 0 ? (cycles * sampleRate) / (last - first) : 0;
}

/**
 * Least-squares fit of a·sin + b·cos at `freq`; returns the amplitude, the phase (of
 * amplitude·sin(ωi + phase)) and the SNR of x against the fit in dB.
 */
export function fitSine(x: ArrayLike<number>, freq: number, sampleRate: number): { amplitude: number; phase: number; snrDb: number } {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let xs = 0;
  let xc = 0;
  const w = (2 * Math.PI * freq) / sampleRate;
  for (let i = 0; i < x.length; i++) {
    const s = Math.sin(w * i);
    const c = Math.cos(w * i);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    xs += x[i]! * s;
    xc += x[i]! * c;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < x.length; i++) {
    const y = a * Math.sin(w * i) + b * Math.cos(w * i);
    signal += y * y;
    noise += (x[i]! - y) ** 2;
  }
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(b, a), snrDb: 10 * Math.log10(signal / noise) };
}

/**
 * A sine of unknown exact frequency near `approx` (within sampleRate / x.length): refines the
 * frequency from the phase advance between the two halves of x, then fits. For tones that went
 * through clock-drift compensation, whose pitch is off by a few ppm.
 */
export function fitTone(x: ArrayLike<number>, approx: number, sampleRate: number): { frequency: number; amplitude: number; snrDb: number } {
  const half = Math.floor(x.length / 2);
  const first = Array.prototype.slice.call(x, 0, half) as number[];
  const second = Array.prototype.slice.call(x, half, 2 * half) as number[];
  let freq = approx;
  for (let i = 0; i < 4; i++) {
    const w = (2 * Math.PI * freq) / sampleRate;
    const advance = fitSine(second, freq, sampleRate).phase - fitSine(first, freq, sampleRate).phase - w * half;
    const wrapped = advance - 2 * Math.PI * Math.round(advance / (2 * Math.PI));
    freq += (wrapped / half) * (sampleRate / (2 * Math.PI));
  }
  return { frequency: freq, ...fitSine(x, freq, sampleRate) };
}

export function rms(x: ArrayLike<number>, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]! ** 2;
  return Math.sqrt(sum / Math.max(1, end - start));
}

/** Longest run of samples that are exactly 0. */
export function longestZeroRun(x: ArrayLike<number>): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < x.length; i++) {
    run = x[i] === 0 ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** SNR of y against x delayed by `delay` samples, over y[from, to), in dB. */
export function delayedSnrDb(x: ArrayLike<number>, y: ArrayLike<number>, delay: number, from: number, to: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    const ref = x[i - delay]!;
    signal += ref * ref;
    noise += (y[i]! - ref) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** The delay in [min, max] with the best delayed SNR. */
export function bestDelay(x: ArrayLike<number>, y: ArrayLike<number>, min: number, max: number, from: number, to: number): number {
  let best = min;
  let bestSnr = -Infinity;
  for (let d = min; d <= max; d++) {
    const snr = delayedSnrDb(x, y, d, from, to);
    if (snr > bestSnr) {
      bestSnr = snr;
      best = d;
    }
  }
  return best;
}

/**
 * fitTone over consecutive windows of `window` samples: the worst SNR and the range of
 * frequencies and amplitudes. For tones whose pitch a drift-following resampler moves by a
 * few ppm over seconds, which a single fit over seconds would count as noise.
 */
export function toneWindows(
  x: ArrayLike<number>,
  approx: number,
  sampleRate: number,
  window: number,
): { minSnrDb: number; minFrequency: number; maxFrequency: number; minAmplitude: number; maxAmplitude: number } {
  const r = { minSnrDb: Infinity, minFrequency: Infinity, maxFrequency: -Infinity, minAmplitude: Infinity, maxAmplitude: -Infinity };
  for (let start = 0; start + window <= x.length; start += window) {
    const fit = fitTone(Array.prototype.slice.call(x, start, start + window) as number[], approx, sampleRate);
    r.minSnrDb = Math.min(r.minSnrDb, fit.snrDb);
    r.minFrequency = Math.min(r.minFrequency, fit.frequency);
    r.maxFrequency = Math.max(r.maxFrequency, fit.frequency);
    r.minAmplitude = Math.min(r.minAmplitude, fit.amplitude);
    r.maxAmplitude = Math.max(r.maxAmplitude, fit.amplitude);
  }
  return r;
}
