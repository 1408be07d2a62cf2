import type { SimClock } from './clock.ts';
import type { Delivery, SimNetwork } from './network.ts';

export interface Participant {
  /** Global seconds of the next thing this participant wants to do; Infinity if nothing. */
  nextWakeup(): number;
  /**
   * Called at every event (any participant's wakeup or any network arrival), so it must do
   * only what is due: take its packets with network.receive(address, now), run its timers.
   */
  step(now: number): void;
}

export interface RunOptions {
  clock: SimClock;
  network?: SimNetwork;
  participants: readonly Participant[];
  /** Global seconds; events at exactly `until` still run. The clock ends at `until`. */
  until: number;
  /** Default 10 million; exceeding it throws, so a test cannot hang. */
  maxIterations?: number;
  /** Arrivals no participant took during the step at their time; dropped if not given. */
  onUnclaimed?: (d: Delivery) => void;
}

export interface RunResult {
  iterations: number;
  unclaimed: number;
}

/** Steps participants from event to event until `until`. */
export function runUntil(options: RunOptions): RunResult {
  const { clock, network, participants, until, maxIterations = 10_000_000, onUnclaimed } = options;
  let iterations = 0;
  let unclaimed = 0;
  for (;;) {
    let next = network ? network.nextDeliveryTime() : Infinity;
    for (const p of participants) next = Math.min(next, p.nextWakeup());
    if (next > until) break;
    if (++iterations > maxIterations) {
      throw new Error(`runUntil: more than ${maxIterations} iterations (stuck at t=${clock.now}, next event ${next})`);
    }
    // A wakeup in the past runs now.
    if (next > clock.now) clock.advanceTo(next);
    const now = clock.now;
    for (const p of participants) p.step(now);
    // Otherwise an arrival nobody takes would be the next event forever.
    if (network) {
      for (const d of network.deliverDue(now)) {
        unclaimed++;
        onUnclaimed?.(d);
      }
    }
  }
  if (until > clock.now) clock.advanceTo(until);
  return { iterations, unclaimed };
}
