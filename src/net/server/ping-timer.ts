/** Heartbeat schedule of spec §11.3; the same algorithm serves every ping/pong pair. */
export interface PingSettings {
  /** Seconds between regular pings. */
  readonly interval: number;
  /** Seconds of silence before probing starts. */
  readonly probeTime: number;
  /** Seconds between probes. */
  readonly probeInterval: number;
  /** Unanswered probes before the other side counts as gone. */
  readonly probeCount: number;
}

/** Server → client `/aoo/client/ping` over TCP: a client silent for 10 + 5 × 1 s is removed. */
export const SERVER_TCP_PING: PingSettings = { interval: 5, probeTime: 10, probeInterval: 1, probeCount: 5 };

/**
 * A ping timer (sans-I/O): ping at once, then every `interval`; anything heard from the other
 * side pushes the deadline to now + `probeTime`. Past the deadline, probe every
 * `probeInterval`; `probeCount` probes later without an answer, time out.
 */
export class PingTimer {
  private nextPing: number;
  private deadline: number;
  /** Probes sent since the deadline passed. */
  private probes = 0;

  constructor(
    private readonly settings: PingSettings,
    now: number,
  ) {
    this.nextPing = now;
    this.deadline = now + settings.probeTime;
  }

  /** Any message from the other side proves it is alive. */
  heard(now: number): void {
    if (this.probes > 0) this.nextPing = now + this.settings.interval;
    this.probes = 0;
    this.deadline = now + this.settings.probeTime;
  }

  /** What is due at `now`: send a ping, give up, or nothing. At most one action per call. */
  poll(now: number): 'ping' | 'timeout' | null {
    const s = this.settings;
    if (now < this.deadline) {
      if (now < this.nextPing) return null;
      this.nextPing = now + s.interval;
      return 'ping';
    }
    if (now < this.deadline + this.probes * s.probeInterval) return null;
    if (this.probes === s.probeCount) return 'timeout';
    this.probes++;
    return 'ping';
  }

  /** When poll() next has something to do. */
  get nextWakeup(): number {
    return this.probes === 0 ? Math.min(this.nextPing, this.deadline) : this.deadline + this.probes * this.settings.probeInterval;
  }
}
