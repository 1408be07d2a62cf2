import type { RequestError } from '../../protocol/aoo/client/reply.ts';
import type { IpEndpoint } from '../../protocol/aoo/data.ts';

/** Generic AOO error codes (spec §11.10) the client reports itself. */
export const ClientErrorCode = { Unspecified: -1, BadArgument: 4, Timeout: 10, Socket: 16 } as const;

export function requestError(code: number, message: string): RequestError {
  return { ok: false, code, systemCode: 0, message };
}

/** A request sent to the server over TCP, with what its reply needs. */
export type PendingRequest =
  | { readonly kind: 'group-join'; readonly groupName: string; readonly userName: string; readonly ownRelay: IpEndpoint | null }
  | { readonly kind: 'group-leave'; readonly groupId: number; readonly groupName: string }
  | { readonly kind: 'group-update'; readonly groupId: number }
  | { readonly kind: 'user-update'; readonly groupId: number }
  | { readonly kind: 'custom' };

type Kind = PendingRequest['kind'];

/** Requests waiting for their reply, by token; each times out (spec §13 #5: some are never answered). */
export class PendingRequests {
  private readonly pending = new Map<number, { readonly request: PendingRequest; readonly deadline: number }>();

  add(token: number, request: PendingRequest, deadline: number): void {
    this.pending.set(token, { request, deadline });
  }

  /** Removes and returns the request of `token` if it is of kind `kind`. */
  take<K extends Kind>(token: number, kind: K): Extract<PendingRequest, { kind: K }> | undefined {
    const p = this.pending.get(token);
    if (p?.request.kind !== kind) return undefined;
    this.pending.delete(token);
    return p.request as Extract<PendingRequest, { kind: K }>;
  }

  /** Removes the requests whose deadline has passed, calling `fail` for each. */
  expire(now: number, fail: (token: number, kind: Kind) => void): void {
    for (const [token, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(token);
      fail(token, p.request.kind);
    }
  }

  /** Removes every request, calling `fail` for each (the connection is gone). */
  failAll(fail: (token: number, kind: Kind) => void): void {
    const all = [...this.pending];
    this.pending.clear();
    for (const [token, p] of all) fail(token, p.request.kind);
  }

  nextWakeup(): number {
    let t = Infinity;
    for (const p of this.pending.values()) t = Math.min(t, p.deadline);
    return t;
  }
}
