/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export interface RateLimit {
  readonly burst: number;
  readonly perSecond: number;
}

/** Per IP: 40 datagrams or connections at once, 20 per second after that. A client needs about 4 to log in. */
export const DEFAULT_UNAUTHENTICATED_LIMIT: RateLimit = { burst: 40, perSecond: 20 };

interface SourceState {
  tokens: number;
  updated: number;
  /** Bytes received and not yet "paid back" with replies. */
  credit: number;
}

/**
 * Bookkeeping for traffic from IP addresses that no logged-in client owns: a token bucket
 * per IP (rate limit) and a byte credit per IP, so that the bytes the server sends back to an
 * IP never exceed the bytes it received from it: a spoofed sender cannot use the server to
 * amplify. The table keeps the most recently seen `maxSources` IPs; older ones are forgotten.
 */
export class UnauthenticatedSources {
  private readonly table = new Map<string, SourceState>();

  constructor(
    private readonly limit: RateLimit,
    private readonly maxSources = 4096,
    private readonly maxCredit = 1024,
  ) {}

  /** Counts one datagram (or connection) of `bytes` from `ip`; false if `ip` is over its rate. */
  admit(ip: string, bytes: number, now: number): boolean {
    const s = this.touch(ip, now);
    if (s.tokens < 1) return false;
    s.tokens -= 1;
    s.credit = Math.min(this.maxCredit, s.credit + bytes);
    return true;
  }

  /** Takes `bytes` of credit for a reply to `ip`; false (send nothing) if the credit is short. */
  spend(ip: string, bytes: number): boolean {
    const s = this.table.get(ip);
    if (s === undefined || s.credit < bytes) return false;
    s.credit -= bytes;
    return true;
  }

  get size(): number {
    return this.table.size;
  }

  /** The state of `ip`, refilled to `now` and moved to the most recent end of the table. */
  private touch(ip: string, now: number): SourceState {
    let s = this.table.get(ip);
    if (s === undefined) {
      if (this.table.size >= this.maxSources) this.table.delete(this.table.keys().next().value!);
      s = { tokens: this.limit.burst, updated: now, credit: 0 };
    } else {
      this.table.delete(ip);
      s.tokens = Math.min(this.limit.burst, s.tokens + Math.max(0, now - s.updated) * this.limit.perSecond);
      s.updated = now;
    }
    this.table.set(ip, s);
    return s;
  }
}
