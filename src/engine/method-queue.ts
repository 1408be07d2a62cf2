/**
 * Runs an object's methods in the order they arrived. A method usually completes at once;
 * one that waits (a host name being resolved) holds back the methods behind it, so that
 * `add host …` followed by `active host … 0` still applies in that order.
 */
export type MethodTask = () => void | Promise<void>;

export class MethodQueue {
  private waiting: MethodTask[] = [];
  private busy = false;
  private closed = false;

  constructor(private readonly onError: (e: unknown) => void) {}

  run(task: MethodTask): void {
    if (this.closed) return;
    if (this.busy) this.waiting.push(task);
    else this.start(task);
  }

  /** Drops the waiting methods; later ones are ignored. */
  close(): void {
    this.closed = true;
    this.waiting = [];
  }

  private start(task: MethodTask): void {
    let result: void | Promise<void>;
    try {
      result = task();
    } catch (e) {
      this.onError(e);
      return;
    }
    if (result === undefined) return;
    this.busy = true;
    result.catch(this.onError).finally(() => {
      this.busy = false;
      // Methods that completed at once may queue behind the next waiting one again.
      while (!this.busy && !this.closed && this.waiting.length > 0) this.start(this.waiting.shift()!);
    });
  }
}
