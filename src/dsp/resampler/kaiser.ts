/** Kaiser-windowed sinc: the low-pass prototype of the band-limited resampler. */

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for x < 30). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** sin(πx)/(πx), exactly 0 at non-zero integers so that a kernel at phase 0 is a pure delay. */
function sinc(x: number): number {
  if (x === 0) return 1;
  if (Number.isInteger(x)) return 0;
  return Math.sin(Math.PI * x) / (Math.PI * x);
}

/**
 * Impulse response of a low-pass filter with cutoff `cutoff` (fraction of the input Nyquist
 * frequency), windowed by a Kaiser window reaching zero at ±`halfWidth` input samples.
 * `distance` is in input samples. Unity gain at DC.
 */
export function kaiserSinc(distance: number, cutoff: number, halfWidth: number, beta: number): number {
  const u = distance / halfWidth;
  if (u <= -1 || u >= 1) return 0;
  return (cutoff * sinc(cutoff * distance) * besselI0(beta * Math.sqrt(1 - u * u))) / besselI0(beta);
}
