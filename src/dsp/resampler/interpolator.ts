/**
 * The read position's fraction and the step (input frames per output frame), kept in a typed
 * array: V8 boxes a double on the heap when it is stored into an object field or passed to a
 * call that is not inlined, and these change every block of a resampler that must not allocate.
 */
export type ReadCursor = Float64Array;
export const FRACTION = 0;
export const STEP = 1;

/**
 * The per-mode inner loops of the resampler. Input is the resampler's planar ring: channel c
 * at [c*capacity, (c+1)*capacity). Output frame k of `interpolate` is read at the input
 * position `index + fraction + k*step` (`cursor[FRACTION]`, `cursor[STEP]`); the caller
 * guarantees `history` frames before and `lookahead` frames after every position it asks for.
 */
export interface Interpolator {
  /** Input frames needed before the read position. */
  readonly history: number;
  /** Input frames needed after the read position; also the priming delay in input frames. */
  readonly lookahead: number;
  interpolate(
    input: Float32Array,
    capacity: number,
    channels: number,
    index: number,
    cursor: ReadCursor,
    output: Float32Array,
    frames: number,
  ): void;
}

/**
 * Copies `frames` frames of `channels` channels between planar buffers: channel c starts at
 * c·stride + index in each. A loop, not `set(subarray(…))`, so that no array view is made per
 * channel and call: audio moves without allocating.
 */
export function copyPlanar(
  from: Float32Array,
  fromStride: number,
  fromIndex: number,
  to: Float32Array,
  toStride: number,
  toIndex: number,
  channels: number,
  frames: number,
): void {
  for (let c = 0; c < channels; c++) {
    const src = c * fromStride + fromIndex;
    const dst = c * toStride + toIndex;
    for (let i = 0; i < frames; i++) to[dst + i] = from[src + i]!;
  }
}

/** Equal rates, no drift correction: pure reblocking (bit-exact; step is always 1). */
export const copyInterpolator: Interpolator = {
  history: 0,
  lookahead: 0,
  interpolate(input, capacity, channels, index, _cursor, output, frames) {
    copyPlanar(input, capacity, index, output, frames, 0, channels, frames);
  },
};

/** Wire-spec §9.3 linear: y = a + (b − a)·f. */
export const linearInterpolator: Interpolator = {
  history: 0,
  lookahead: 1,
  interpolate(input, capacity, channels, index, cursor, output, frames) {
    const fraction = cursor[FRACTION]!;
    const step = cursor[STEP]!;
    for (let c = 0; c < channels; c++) {
      const base = c * capacity + index;
      const out = c * frames;
      for (let k = 0; k < frames; k++) {
        const x = fraction + k * step;
        const i = Math.floor(x);
        const f = x - i;
        const a = input[base + i]!;
        output[out + k] = a + (input[base + i + 1]! - a) * f;
      }
    }
  },
};

/** Wire-spec §9.3 cubic, Pd's tabread4~ on a = x[n−1], b = x[n], c = x[n+1], d = x[n+2]. */
export const cubicInterpolator: Interpolator = {
  history: 1,
  lookahead: 2,
  interpolate(input, capacity, channels, index, cursor, output, frames) {
    const fraction = cursor[FRACTION]!;
    const step = cursor[STEP]!;
    for (let ch = 0; ch < channels; ch++) {
      const base = ch * capacity + index;
      const out = ch * frames;
      for (let k = 0; k < frames; k++) {
        const x = fraction + k * step;
        const i = Math.floor(x);
        const f = x - i;
        const n = base + i;
        const a = input[n - 1]!;
        const b = input[n]!;
        const c = input[n + 1]!;
        const d = input[n + 2]!;
        const cminusb = c - b;
        output[out + k] = b + f * (cminusb - (1 / 6) * (1 - f) * ((d - a - 3 * cminusb) * f + (d + 2 * a - 3 * b)));
      }
    }
  },
};
