/** At most MAX_PER_SECOND error replies per second to one connection, so a broken patch cannot flood the Pd window. */
const MAX_PER_SECOND = 10;

export type Verdict = 'send' | 'last' | 'drop';

export class ErrorLimiter {
  private windowStart = -Infinity;
  private count = 0;

  constructor(private readonly now: () => number) {}

  /** 'last' for the final error let through in this second. */
  admit(): Verdict {
    const now = this.now();
    if (now - this.windowStart >= 1) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count++;
    return this.count < MAX_PER_SECOND ? 'send' : this.count === MAX_PER_SECOND ? 'last' : 'drop';
  }
}
