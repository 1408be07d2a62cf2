import type { LogValue } from './events.ts';
import type { Outbox } from './outbox.ts';

/** Why the server ignored input. Each is counted; the first of each kind is logged. */
export const DROP_REASONS = [
  /** A datagram that is not AOO, or broken. */
  'udp-malformed',
  /** A valid AOO datagram that is not for the server (or not over UDP). */
  'udp-unexpected',
  /** A datagram or TCP connection from an IP over its unauthenticated rate. */
  'rate-limited',
  /** A UDP reply not sent: it would exceed the bytes received from that IP (no amplification). */
  'reply-withheld',
  'relay-disabled',
  /** A relay packet whose sender address belongs to no logged-in client. */
  'relay-unauthenticated',
  /** A relay packet to an address of no client that shares a group with the sender. */
  'relay-not-shared',
  'relay-malformed',
  /** A connection closed before login: garbage, an oversized frame, or a message other than /login. */
  'tcp-before-login',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export class DropCounter {
  readonly counts = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  private readonly reported = new Set<DropReason>();

  constructor(private readonly outbox: Outbox) {}

  drop(reason: DropReason, fields: Record<string, LogValue>): void {
    this.counts[reason]++;
    if (this.reported.has(reason)) return;
    this.reported.add(reason);
    this.outbox.log('warn', 'dropped', { reason, ...fields, note: 'logged once; later drops of this kind are only counted' });
  }
}
