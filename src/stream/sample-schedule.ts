/**
 * Events pinned to a sample of one source's decoded stream. Positions count the stream samples
 * pushed into the source's resampler; an event is due in the output frame that reads its
 * position, which stays exact when the ratio changes from block to block.
 */
export class SampleSchedule<E> {
  private items: { readonly position: number; readonly event: (sampleOffset: number) => E }[] = [];

  add(position: number, event: (sampleOffset: number) => E): void {
    this.items.push({ position, event });
  }

  /**
   * Calls `emit` for every event whose output frame falls in the next `frames` frames, read from
   * stream position `readPosition` advancing `step` per frame, with that frame's offset.
   */
  due(readPosition: number, step: number, frames: number, emit: (event: E) => void): void {
    if (this.items.length === 0) return;
    const keep: typeof this.items = [];
    for (const it of this.items.sort((a, b) => a.position - b.position)) {
      const frame = Math.round((it.position - readPosition) / step);
      if (frame >= frames) keep.push(it);
      else emit(it.event(Math.max(0, frame)));
    }
    this.items = keep;
  }

  clear(): void {
    this.items = [];
  }
}
