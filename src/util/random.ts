/** A source of uniform numbers in [0, 1). Injected everywhere randomness is needed, so tests can seed it. */
export type Random = () => number;

/** Deterministic generator (mulberry32) for tests and simulations. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, 2^31 - 1], as AOO uses for stream IDs and tokens. */
export function randomInt31(random: Random): number {
  return Math.floor(random() * 0x7fffffff);
}
