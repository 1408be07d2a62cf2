/** A send~ host and a receive~ host in one simulated engine, stepped block by block. */
import { sineBlock } from '../support/signal.ts';
import type { SimEngine, SimHost } from './sim-engine.ts';

export const BS = 64;
/** One host block in seconds at 48 kHz. */
export const T = BS / 48000;

/** Ticks both hosts `count` times from `first` (send~ captures a quiet sine), delivering the network each time. */
export function tickBoth(sim: SimEngine, a: SimHost, b: SimHost, first: number, count: number, signal = (k: number) => sineBlock([440, 660], 0.1, 48000, BS, k * BS)): void {
  for (let k = first; k < first + count; k++) {
    sim.advance(T);
    a.block(k, signal(k));
    b.tick(k);
    sim.udp.deliver();
  }
}
