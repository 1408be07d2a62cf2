/** The client's output: what to do on the network (actions) and what to tell the user (events). */
import { type AooMessage, encodeAooToBytes } from '../../protocol/aoo/messages.ts';
import type { ServerMessage } from '../../protocol/aoo/server/index.ts';
import { TCP_PREFIX_SIZE, frameTcpMessage } from '../../protocol/aoo/tcp-framing.ts';
import { EventQueue } from '../../stream/event-queue.ts';
import type { UdpAddress } from '../address.ts';
import type { ClientEvent } from './events.ts';
import type { RelayWrapper } from './relay-wrapper.ts';

/** One thing for the I/O wrapper to do. Every `bytes` is the action's own copy. */
export type ClientAction =
  | { readonly kind: 'udp'; readonly bytes: Uint8Array; readonly to: UdpAddress }
  | { readonly kind: 'tcp-open'; readonly to: UdpAddress }
  /** A whole TCP frame, length prefix included. */
  | { readonly kind: 'tcp-send'; readonly bytes: Uint8Array }
  | { readonly kind: 'tcp-close' }
  /** A source or sink packet that came through a relay: route it as if it had arrived from `from`. */
  | { readonly kind: 'deliver'; readonly bytes: Uint8Array; readonly from: UdpAddress };

export class Outbox {
  private readonly actions = new EventQueue<ClientAction>();
  private readonly events = new EventQueue<ClientEvent>();

  constructor(private readonly relay: RelayWrapper) {}

  /** Sends `m` to `to`, through `relay` if given. False if it cannot be encoded. */
  udp(m: AooMessage, to: UdpAddress, relay: UdpAddress | null = null): boolean {
    const r = encodeAooToBytes(m);
    if (!r.ok) return false;
    if (relay === null) {
      this.actions.push({ kind: 'udp', bytes: r.value, to });
      return true;
    }
    const wrapped = this.relay.wrap(r.value, to);
    if (wrapped === null) return false;
    this.actions.push({ kind: 'udp', bytes: wrapped.slice(), to: relay });
    return true;
  }

  /** Sends `m` to the server over TCP. False if it cannot be encoded (metadata too large). */
  tcp(m: ServerMessage): boolean {
    const r = encodeAooToBytes(m);
    if (!r.ok) return false;
    const frame = new Uint8Array(TCP_PREFIX_SIZE + r.value.length);
    frameTcpMessage(r.value, frame, 0);
    this.actions.push({ kind: 'tcp-send', bytes: frame });
    return true;
  }

  tcpOpen(to: UdpAddress): void {
    this.actions.push({ kind: 'tcp-open', to });
  }

  tcpClose(): void {
    this.actions.push({ kind: 'tcp-close' });
  }

  deliver(bytes: Uint8Array, from: UdpAddress): void {
    this.actions.push({ kind: 'deliver', bytes: bytes.slice(), from });
  }

  event(e: ClientEvent): void {
    this.events.push(e);
  }

  pollActions(): ClientAction[] {
    return this.actions.poll();
  }

  pollEvents(): ClientEvent[] {
    return this.events.poll();
  }
}
