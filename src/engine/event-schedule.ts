/** Events waiting for their time (the `msg` events of `[aoo.client]` with `schedule 1`, wire spec §12.3), in time order. */
export class EventSchedule<T> {
  /** Sorted by `due`; equal times keep their arrival order. */
  private readonly waiting: { readonly due: number; readonly event: T }[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.waiting.length;
  }

  /** When the earliest event is due; Infinity when none waits. */
  get nextDue(): number {
    return this.waiting[0]?.due ?? Infinity;
  }

  /** False (and nothing kept) when `capacity` events wait already. */
  add(due: number, event: T): boolean {
    if (this.waiting.length >= this.capacity) return false;
    let lo = 0;
    let hi = this.waiting.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.waiting[mid]!.due <= due) lo = mid + 1;
      else hi = mid;
    }
    this.waiting.splice(lo, 0, { due, event });
    return true;
  }

  /** Removes and returns the events due at `now`, earliest first. */
  takeDue(now: number): T[] {
    let n = 0;
    while (n < this.waiting.length && this.waiting[n]!.due <= now) n++;
    return this.waiting.splice(0, n).map((w) => w.event);
  }

  clear(): void {
    this.waiting.length = 0;
  }
}
