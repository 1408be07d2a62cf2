/** The server port's UDP side (spec §11.1, §11.9): address queries, NAT keep-alive pings, the relay. */
import { MsgType } from '../../protocol/aoo/constants.ts';
import { type AooMessage, decodeAoo, encodeAooToBytes } from '../../protocol/aoo/messages.ts';
import { unwrapRelay, wrapForRelay } from '../../protocol/aoo/relay.ts';
import { routePacket } from '../../protocol/aoo/route.ts';
import { type UdpAddress, formatAddress } from '../address.ts';
import type { ClientConnection } from './client-connection.ts';
import type { ServerContext } from './context.ts';
import { UnauthenticatedSources } from './unauthenticated.ts';

/** Relay header (up to 20 bytes) plus the largest UDP payload. */
const RELAY_BUFFER_SIZE = 65536 + 64;

export class UdpService {
  readonly unauthenticated: UnauthenticatedSources;
  /** Packets and bytes (as sent) forwarded by the relay. */
  relayedPackets = 0;
  relayedBytes = 0;
  private readonly relayBuffer = new Uint8Array(RELAY_BUFFER_SIZE);

  constructor(private readonly ctx: ServerContext) {
    this.unauthenticated = new UnauthenticatedSources(ctx.settings.unauthenticatedLimit);
  }

  /** One datagram on the server port. `bytes` is only read during the call. */
  receive(bytes: Uint8Array, from: UdpAddress, now: number): void {
    const sender = this.clientAt(from);
    if (sender === null && !this.unauthenticated.admit(from.address, bytes.length, now)) {
      this.ctx.drops.drop('rate-limited', { from: formatAddress(from), transport: 'udp' });
      return;
    }
    const route = routePacket(bytes);
    if (route.form === 'foreign' || route.form === 'malformed') {
      this.ctx.drops.drop('udp-malformed', { from: formatAddress(from), detail: route.form === 'malformed' ? route.detail : 'not AOO' });
      return;
    }
    if (route.type === MsgType.Relay) return this.relay(bytes, from, sender);
    if (route.type !== MsgType.Server) return this.ctx.drops.drop('udp-unexpected', { from: formatAddress(from), message: MsgType[route.type] });
    const m = decodeAoo(bytes);
    if (!m.ok) return this.ctx.drops.drop('udp-malformed', { from: formatAddress(from), detail: m.error.detail });
    switch (m.value.kind) {
      case 'server/query':
        return this.reply(from, sender, { kind: 'client/query', publicAddress: { host: from.address, port: from.port } });
      case 'server/ping':
        return this.reply(from, sender, { kind: 'client/pong' });
      default:
        return this.ctx.drops.drop('udp-unexpected', { from: formatAddress(from), message: m.value.kind });
    }
  }

  /**
   * The logged-in client that owns `a`: it listed `a` at login and its TCP connection comes
   * from the same IP (so listing someone else's address does not make their traffic trusted).
   */
  private clientAt(a: UdpAddress): ClientConnection | null {
    for (const id of this.ctx.addresses.at(a)) {
      const c = this.ctx.clients.get(id);
      if (c !== undefined && c.remote.address === a.address) return c;
    }
    return null;
  }

  /** Replies to a stranger only within the bytes it sent (no amplification). */
  private reply(to: UdpAddress, sender: ClientConnection | null, m: AooMessage): void {
    const bytes = encodeAooToBytes(m);
    if (!bytes.ok) return;
    if (sender === null && !this.unauthenticated.spend(to.address, bytes.value.length)) {
      this.ctx.drops.drop('reply-withheld', { to: formatAddress(to), message: m.kind, bytes: bytes.value.length });
      return;
    }
    this.ctx.outbox.sendUdp(to, bytes.value);
  }

  /** Forwards a wrapped packet, rewritten to carry the sender's address, to a client that shares a group with the sender. */
  private relay(bytes: Uint8Array, from: UdpAddress, sender: ClientConnection | null): void {
    const drops = this.ctx.drops;
    if (!this.ctx.settings.relay) return drops.drop('relay-disabled', { from: formatAddress(from) });
    if (sender === null) return drops.drop('relay-unauthenticated', { from: formatAddress(from) });
    const m = unwrapRelay(bytes);
    if ('detail' in m) return drops.drop('relay-malformed', { from: formatAddress(from), detail: m.detail });
    // unwrapRelay gives the host in canonical form already.
    const to = { address: m.address.host, port: m.address.port };
    if (to.port === 0) return drops.drop('relay-malformed', { from: formatAddress(from), detail: 'destination port 0' });
    // A relay packet inside a relay packet has no use but could bounce between relays.
    const inner = routePacket(m.packet);
    if (inner.form !== 'foreign' && inner.form !== 'malformed' && inner.type === MsgType.Relay) {
      return drops.drop('relay-malformed', { from: formatAddress(from), detail: 'nested relay packet' });
    }
    if (!this.sharesGroup(sender, to)) return drops.drop('relay-not-shared', { from: formatAddress(from), to: formatAddress(to) });
    const n = wrapForRelay(this.relayBuffer, 0, m.form, { host: from.address, port: from.port }, m.packet);
    if (n < 0) return drops.drop('relay-malformed', { from: formatAddress(from), detail: 'does not fit' });
    this.relayedPackets++;
    this.relayedBytes += n;
    this.ctx.outbox.sendUdp(to, this.relayBuffer.slice(0, n));
  }

  private sharesGroup(sender: ClientConnection, to: UdpAddress): boolean {
    for (const id of this.ctx.addresses.at(to)) {
      const other = this.ctx.clients.get(id);
      if (other === undefined) continue;
      for (const groupId of sender.memberships.keys()) if (other.memberships.has(groupId)) return true;
    }
    return false;
  }
}
