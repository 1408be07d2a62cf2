/** Block sequence numbers (spec §5.1): they wrap from INT32_MAX − 1 back to 0. */
export const SEQUENCE_LIMIT = 0x7fffffff;

export function nextSequence(seq: number): number {
  return seq + 1 >= SEQUENCE_LIMIT ? 0 : seq + 1;
}
