/**
 * The host's DSP clock as the engine sees it: tick numbers from the patch (counted modulo
 * 2^24, exact in a Pd float) become stream times on the NTP timescale.
 *
 * Time is `anchorTime + blocks since the anchor × blockSize / sampleRate`: it follows the
 * host's sample clock, not the engine's wall clock. The anchor is the wall time of the first
 * tick; it moves only when the host's clock is discontinuous (DSP switched off and on, a
 * stall longer than MAX_GAP_BLOCKS, a tick counter that jumped).
 */

/** Hosts count ticks modulo 2^24: every integer below it is exact in a float32. */
export const TICK_MODULUS = 2 ** 24;

/** A gap of at most this many blocks is bridged (the missing blocks are counted); a longer one re-anchors. */
export const MAX_GAP_BLOCKS = 64;

/** Re-anchor when host time and wall time disagree by more than this (seconds): the host's DSP was paused. */
const RESYNC_SECONDS = 0.5;

/** Weight of the newest tick in the smoothed host-minus-wall offset used for packet times. */
const OFFSET_SMOOTHING = 1 / 64;

export type TickStep =
  /** The next tick(s): `missed` ticks between the previous one and this one never arrived. */
  | { readonly kind: 'next'; readonly missed: number }
  /** A tick at or before the newest one (duplicate or reordered): ignore it. */
  | { readonly kind: 'late' }
  /** The first tick, or a discontinuity: the clock starts again at this tick. */
  | { readonly kind: 'anchored' };

export function tickDistance(from: number, to: number): number {
  return (((to - from) % TICK_MODULUS) + TICK_MODULUS) % TICK_MODULUS;
}

export function addTicks(tick: number, n: number): number {
  return (((tick + n) % TICK_MODULUS) + TICK_MODULUS) % TICK_MODULUS;
}

export class HostClock {
  private readonly blockSeconds: number;
  private anchorTime = 0;
  /** Blocks from the anchor to the newest tick. */
  private position = 0;
  private newest = -1;
  private offset = 0;
  /** Times the clock was re-anchored after it had started. */
  resyncs = 0;

  constructor(sampleRate: number, blockSize: number) {
    this.blockSeconds = blockSize / sampleRate;
  }

  get started(): boolean {
    return this.newest >= 0;
  }

  /** The newest tick (−1 before the first). */
  get tick(): number {
    return this.newest;
  }

  /** Takes the tick the host just reported, at wall time `wall` (seconds, NTP timescale). */
  advance(tick: number, wall: number): TickStep {
    if (this.newest < 0) return this.anchor(tick, wall, false);
    const d = tickDistance(this.newest, tick);
    if (d === 0 || d > TICK_MODULUS / 2) return { kind: 'late' };
    if (d > MAX_GAP_BLOCKS + 1) return this.anchor(tick, wall, true);
    const position = this.position + d;
    if (Math.abs(this.anchorTime + position * this.blockSeconds - wall) > RESYNC_SECONDS) return this.anchor(tick, wall, true);
    this.position = position;
    this.newest = tick;
    this.track(wall);
    return { kind: 'next', missed: d - 1 };
  }

  /** Host time of `tick`, which must be within MAX_GAP_BLOCKS of the newest (before or after). */
  timeOf(tick: number): number {
    let d = tickDistance(this.newest, tick);
    if (d > TICK_MODULUS / 2) d -= TICK_MODULUS;
    return this.anchorTime + (this.position + d) * this.blockSeconds;
  }

  /** Host time now, for packets that arrive between ticks: wall time plus the measured host−wall offset. */
  now(wall: number): number {
    return wall + this.offset;
  }

  private anchor(tick: number, wall: number, resync: boolean): TickStep {
    if (resync) this.resyncs++;
    this.anchorTime = wall;
    this.position = 0;
    this.newest = tick;
    this.offset = 0;
    return { kind: 'anchored' };
  }

  private track(wall: number): void {
    const measured = this.anchorTime + this.position * this.blockSeconds - wall;
    this.offset += (measured - this.offset) * OFFSET_SMOOTHING;
  }
}
