/** Counts input that could not be used; only the first of each reason is worth reporting. */
export class DropCounter<Reason extends string> {
  private readonly counts = new Map<Reason, number>();

  /** Counts one drop; true if it is the first for `reason`. */
  count(reason: Reason): boolean {
    const n = this.counts.get(reason) ?? 0;
    this.counts.set(reason, n + 1);
    return n === 0;
  }

  get(reason: Reason): number {
    return this.counts.get(reason) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
}
