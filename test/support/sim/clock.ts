import { type Random, seededRandom } from '../../../src/util/random.ts';

/** Simulated global time in seconds, starting at 0. Only moves forward. */
export class SimClock {
  now = 0;

  advance(dt: number): number {
    if (!(dt >= 0) || !Number.isFinite(dt)) throw new RangeError(`SimClock.advance: bad dt ${dt}`);
    this.now += dt;
    return this.now;
  }

  /** Moves to `t`; a `t` in the past is an error (use Math.max if that is intended). */
  advanceTo(t: number): number {
    if (!(t >= this.now) || !Number.isFinite(t)) throw new RangeError(`SimClock.advanceTo: ${t} < now ${this.now}`);
    this.now = t;
    return this.now;
  }
}

export interface DriftOptions {
  /** Rate error in parts per million: +200 runs faster than global time. */
  ppm?: number;
  /** Local time (seconds) when global time is 0. */
  offset?: number;
}

/** One host's view of a SimClock: local = offset + global × (1 + ppm·10⁻⁶). */
export class DriftingClock {
  readonly ppm: number;
  readonly offset: number;
  readonly rate: number;

  constructor(
    readonly clock: SimClock,
    { ppm = 0, offset = 0 }: DriftOptions = {},
  ) {
    this.ppm = ppm;
    this.offset = offset;
    this.rate = 1 + ppm * 1e-6;
  }

  localTime(globalSeconds: number): number {
    return this.offset + globalSeconds * this.rate;
  }

  globalTime(localSeconds: number): number {
    return (localSeconds - this.offset) / this.rate;
  }

  /** Local time now. */
  get now(): number {
    return this.localTime(this.clock.now);
  }
}

/**
 * How a host scheduler delivers DSP ticks. Modelled on Pd's polling scheduler: it sleeps
 * `sleepGrain`, wakes a little late, and computes every tick whose nominal time has passed,
 * so ticks come bunched; a stall (VM, GC, OS) delays one wakeup and the missed ticks follow
 * in one burst. Ticks are never lost and never early.
 */
export interface BurstProfile {
  /** Seconds the scheduler sleeps between wakeups. */
  sleepGrain: number;
  /** Uniform extra lateness of each wakeup, [min, max] seconds. */
  wakeLatency: readonly [number, number];
  /** Mean number of stalls per second (each wakeup stalls with probability stallRate × sleepGrain). */
  stallRate: number;
  /** Uniform stall duration, [min, max] seconds. */
  stall: readonly [number, number];
}

/**
 * Calibrated against hosts.md (Pd 0.53, -nosound, 48 kHz / 64): default grain gives about 4
 * ticks every ~5.1 ms; -sleepgrain 1 gives gaps p50 1.07 ms, p90 2.1 ms. The stall rate
 * (one 10–20 ms stall per 10 s) is a guess from "occasional" over 30 s runs.
 */
export const BURST_PROFILES = {
  'pd-default': { sleepGrain: 0.005, wakeLatency: [0.00002, 0.00012], stallRate: 0.1, stall: [0.01, 0.02] },
  'pd-sleepgrain1': { sleepGrain: 0.001, wakeLatency: [0.00002, 0.00012], stallRate: 0.1, stall: [0.01, 0.02] },
} as const satisfies Record<string, BurstProfile>;

export type BurstMode = 'none' | keyof typeof BURST_PROFILES | BurstProfile;

export interface HostTickOptions {
  sampleRate: number;
  blockSize: number;
  /** Rate error of the host's audio clock against global time, ppm (+ = more ticks per second). */
  ppm?: number;
  /** 'none': every tick delivered exactly at its nominal time. Default 'none'. */
  burst?: BurstMode;
  /** Global time (seconds) of tick 0. Default 0. */
  start?: number;
  /** Default seededRandom(1). */
  random?: Random;
}

export interface HostTick {
  tickIndex: number;
  /** Global seconds when the host processes the tick (≥ nominalTime). */
  deliveryTime: number;
  /** Global seconds when the tick's audio is due: start + tickIndex × blockSize / (sampleRate × (1 + ppm·10⁻⁶)). */
  nominalTime: number;
}

/** Endless iterator of host ticks in order; deliveryTime is non-decreasing. */
export function* hostTicks(options: HostTickOptions): Generator<HostTick, never, undefined> {
  const { sampleRate, blockSize, ppm = 0, burst = 'none', start = 0, random = seededRandom(1) } = options;
  if (!(sampleRate > 0) || !(blockSize > 0)) throw new RangeError('hostTicks: sampleRate and blockSize must be > 0');
  const period = blockSize / (sampleRate * (1 + ppm * 1e-6));
  // Computed from the index, not accumulated, so the sample count stays exact over hours.
  const nominal = (k: number) => start + k * period;

  if (burst === 'none') {
    for (let k = 0; ; k++) yield { tickIndex: k, deliveryTime: nominal(k), nominalTime: nominal(k) };
  }

  const p = typeof burst === 'string' ? BURST_PROFILES[burst] : burst;
  const stallChance = p.stallRate * p.sleepGrain;
  let wake = start;
  for (let k = 0; ; ) {
    for (let t = nominal(k); t <= wake; t = nominal(++k)) yield { tickIndex: k, deliveryTime: wake, nominalTime: t };
    wake += p.sleepGrain + p.wakeLatency[0] + random() * (p.wakeLatency[1] - p.wakeLatency[0]);
    if (stallChance > 0 && random() < stallChance) wake += p.stall[0] + random() * (p.stall[1] - p.stall[0]);
  }
}
