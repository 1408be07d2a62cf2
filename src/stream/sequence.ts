/**
 * Block sequence numbers (spec §5.1): 0 … INT32_MAX − 1, wrapping from INT32_MAX − 1 back to 0
 * (INT32_MAX itself is never used). Comparisons go through `sequenceDistance`, so a stream
 * plays on across the wrap instead of taking the new numbers for late packets.
 */
export const SEQUENCE_LIMIT = 0x7fffffff;

export function isSequence(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n < SEQUENCE_LIMIT;
}

/** `seq + n` on the sequence circle (n may be negative); any integer `seq` is folded into range. */
export function addSequence(seq: number, n: number): number {
  const s = (seq + n) % SEQUENCE_LIMIT;
  return s < 0 ? s + SEQUENCE_LIMIT : s;
}

export function nextSequence(seq: number): number {
  return addSequence(seq, 1);
}

export function previousSequence(seq: number): number {
  return addSequence(seq, -1);
}

/** How many blocks `to` comes after `from` (negative: before), the shorter way round the circle. */
export function sequenceDistance(from: number, to: number): number {
  const d = (to - from) % SEQUENCE_LIMIT;
  if (d > SEQUENCE_LIMIT / 2) return d - SEQUENCE_LIMIT;
  if (d < -SEQUENCE_LIMIT / 2) return d + SEQUENCE_LIMIT;
  return d;
}
