/** Events collected by a Source or Sink until the host polls them. */
export class EventQueue<E> {
  private queue: E[] = [];

  push(event: E): void {
    this.queue.push(event);
  }

  /** All events since the last poll, oldest first. */
  poll(): E[] {
    const events = this.queue;
    this.queue = [];
    return events;
  }

  /** As `poll()`, but with no new array when there are none: for hosts that poll every block. */
  pollIfAny(): readonly E[] {
    return this.queue.length === 0 ? NONE : this.poll();
  }
}

const NONE: readonly never[] = Object.freeze([]);
