/** How often to ping, and when to give up on the other side (spec §11.3). Seconds. */
export interface PingSchedule {
  readonly interval: number;
  /** Silence after the last reply before probing starts. */
  readonly probeTime: number;
  readonly probeInterval: number;
  /** Unanswered probes after which the other side is inactive. */
  readonly probeCount: number;
}

/** What the timer wants done now: send a ping, or report the other side inactive (once). */
export type PingDue = 'ping' | 'inactive' | null;

type Phase = 'regular' | 'probing' | 'inactive';

/**
 * The ping timer of spec §11.3. After `reset`, ping at once and then every `interval`; a
 * reply pushes the deadline to now + `probeTime`. Past the deadline, ping every
 * `probeInterval`; after `probeCount` unanswered probes the other side is inactive. An
 * inactive side is still pinged, at the regular interval, so it can come back.
 */
export class PingTimer {
  private phase: Phase = 'regular';
  private nextPing = 0;
  private deadline = 0;
  private probes = 0;

  constructor(private readonly schedule: PingSchedule) {}

  reset(now: number): void {
    this.phase = 'regular';
    this.nextPing = now;
    this.deadline = now + this.schedule.probeTime;
  }

  /** A reply arrived. True if the other side was inactive until now. */
  reply(now: number): boolean {
    const wasInactive = this.phase === 'inactive';
    if (this.phase !== 'regular') {
      this.phase = 'regular';
      this.nextPing = now + this.schedule.interval;
    }
    this.deadline = now + this.schedule.probeTime;
    return wasInactive;
  }

  nextWakeup(): number {
    return this.phase === 'regular' ? Math.min(this.nextPing, this.deadline) : this.nextPing;
  }

  poll(now: number): PingDue {
    const s = this.schedule;
    if (this.phase === 'regular' && now >= this.deadline) {
      this.phase = 'probing';
      this.probes = 0;
      this.nextPing = this.deadline;
    }
    if (now < this.nextPing) return null;
    if (this.phase === 'probing') {
      if (this.probes === s.probeCount) {
        this.phase = 'inactive';
        this.nextPing = now + s.interval;
        return 'inactive';
      }
      this.probes++;
      this.nextPing = now + s.probeInterval;
      return 'ping';
    }
    this.nextPing = now + s.interval;
    return 'ping';
  }
}
