/**
 * Events pinned to a sample of one source's decoded stream. Positions count the samples
 * written into the source's reblocking FIFO; an event is due when its sample is read out.
 */
export class SampleSchedule<E> {
  private items: { readonly position: number; readonly event: (sampleOffset: number) => E }[] = [];

  add(position: number, event: (sampleOffset: number) => E): void {
    this.items.push({ position, event });
  }

  /** Calls `emit` for every event in [start, start + frames), with its offset from `start`; drops older ones. */
  due(start: number, frames: number, emit: (event: E) => void): void {
    if (this.items.length === 0) return;
    const end = start + frames;
    const keep: typeof this.items = [];
    for (const it of this.items.sort((a, b) => a.position - b.position)) {
      if (it.position >= end) keep.push(it);
      else if (it.position >= start) emit(it.event(it.position - start));
    }
    this.items = keep;
  }

  clear(): void {
    this.items = [];
  }
}
