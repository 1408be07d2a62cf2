/**
 * Time DLL (Fons Adriaensen, "Using a DLL to filter time"; wire-spec §9.2): estimates the real
 * sample rate of a clock from the jittery times at which its blocks are processed.
 *
 * One deviation from the reference: the reference reports period = t1 − t0, which carries
 * b·e, the loop's reaction to each timestamp's jitter. Host ticks come in bursts (Pd: about 4
 * blocks every 5 ms), so that estimate wobbles by hundreds of ppm from block to block and
 * would frequency-modulate a resampler that follows it. Here the period is e2, the loop's
 * integrator state: the same mean, smoothed by the second-order loop.
 */
export class TimeDll {
  readonly nominalRate: number;
  readonly blockSize: number;
  private bandwidth = 0;
  private b = 0;
  private c = 0;
  /** Updates left in the start-up phase, which runs the loop at STARTUP_FACTOR × the bandwidth. */
  private startupLeft = 0;
  private origin = 0;
  private started = false;
  private t1 = 0;
  private e2 = 0;

  /** `bandwidth` in Hz (the reference's default 0.012 means a loop time constant of ~13 s). */
  constructor(sampleRate: number, blockSize: number, bandwidth = 0.012) {
    this.nominalRate = sampleRate;
    this.blockSize = blockSize;
    this.setBandwidth(bandwidth);
  }

  /** Changes the loop bandwidth (Hz) and restarts the estimate, as the reference does. */
  setBandwidth(bandwidth: number): void {
    this.bandwidth = bandwidth;
    this.reset();
  }

  /**
   * Forgets the estimate: the next update starts again from the nominal rate. The first
   * STARTUP_SECONDS run the loop STARTUP_FACTOR times wider: a clock 200 ppm off would
   * otherwise take a minute to be found, and the error of that minute stays in the buffer
   * level of the stream that follows this estimate.
   */
  reset(): void {
    this.started = false;
    this.e2 = this.blockSize / this.nominalRate;
    this.startupLeft = Math.round((STARTUP_SECONDS * this.nominalRate) / this.blockSize);
    this.setCoefficients(this.bandwidth * STARTUP_FACTOR);
  }

  private setCoefficients(bandwidth: number): void {
    const omega = 2 * Math.PI * bandwidth * (this.blockSize / this.nominalRate);
    this.b = Math.SQRT2 * omega;
    this.c = omega * omega;
  }

  /** Feeds the time in seconds (any origin) at which the next block is processed. */
  update(timeSeconds: number): void {
    if (!this.started) {
      // Times relative to the first one keep full double precision on absolute NTP seconds.
      this.origin = timeSeconds;
      this.t1 = this.e2;
      this.started = true;
      return;
    }
    const e = timeSeconds - this.origin - this.t1;
    this.t1 += this.b * e + this.e2;
    this.e2 += this.c * e;
    if (this.startupLeft > 0 && --this.startupLeft === 0) this.setCoefficients(this.bandwidth);
  }

  /** Estimated duration of one block in seconds. */
  get period(): number {
    return this.e2;
  }

  /** Estimated real sample rate in Hz. */
  get sampleRate(): number {
    return this.blockSize / this.e2;
  }
}

const STARTUP_SECONDS = 10;
const STARTUP_FACTOR = 8;
