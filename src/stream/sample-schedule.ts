/**
 * Events pinned to a sample of one source's decoded stream. Positions count the stream samples
 * pushed into the source's resampler; an event is due in the output frame that reads its
 * position, which stays exact when the ratio changes from block to block.
 */
export class SampleSchedule<E> {
  /** Kept in position order, so `due()` (every output block) only looks at the front. */
  private readonly items: { readonly position: number; readonly event: (sampleOffset: number) => E }[] = [];

  add(position: number, event: (sampleOffset: number) => E): void {
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.position > position) i--;
    this.items.splice(i, 0, { position, event });
  }

  /**
   * Calls `emit` for every event whose output frame falls in the next `frames` frames, read from
   * stream position `readPosition` advancing `step` per frame, with that frame's offset.
   */
  due(readPosition: number, step: number, frames: number, emit: (event: E) => void): void {
    const items = this.items;
    let n = 0;
    while (n < items.length) {
      const frame = Math.round((items[n]!.position - readPosition) / step);
      if (frame >= frames) break;
      emit(items[n]!.event(Math.max(0, frame)));
      n++;
    }
    if (n === 0) return;
    items.copyWithin(0, n);
    items.length -= n;
  }

  clear(): void {
    this.items.length = 0;
  }
}
