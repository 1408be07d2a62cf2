/**
 * Events pinned to a sample of one source's decoded stream. Positions count the stream samples
 * pushed into the source's resampler; an event is due in the output frame that reads its
 * position, which stays exact when the ratio changes from block to block.
 */

/** Where the output reads the stream: the Resampler's `readPosition()` and `step`. */
export interface ReadCursor {
  readPosition(): number;
  readonly step: number;
}

export class SampleSchedule<E> {
  /** Kept in position order, so `due()` (every output block) only looks at the front. */
  private readonly items: { readonly position: number; readonly event: (sampleOffset: number) => E }[] = [];

  add(position: number, event: (sampleOffset: number) => E): void {
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.position > position) i--;
    this.items.splice(i, 0, { position, event });
  }

  /**
   * Calls `emit` for every event whose output frame falls in the next `frames` frames, read
   * through `cursor`, with that frame's offset. (The cursor, not its numbers: V8 boxes a double
   * passed to a call it does not inline, a heap allocation every block.)
   */
  due(cursor: ReadCursor, frames: number, emit: (event: E) => void): void {
    const items = this.items;
    if (items.length === 0) return;
    const readPosition = cursor.readPosition();
    const step = cursor.step;
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
