/** Where to reach a new peer: its candidate addresses and its relays (spec §11.5, §11.7). */
import type { IpEndpoint } from '../../protocol/aoo/data.ts';
import { type UdpAddress, addressKey } from '../address.ts';
import { isIpv6Address, sameAddress, udpAddressOf } from './addresses.ts';

/** More addresses than this in a peer's list are ignored: each one costs 4 pings a second. */
export const CANDIDATES_MAX = 16;

/**
 * The addresses to ping: the peer's login addresses that are numeric and not IPv4-mapped,
 * without our own (so we never ping ourselves), without IPv6 ones on an IPv4-only socket.
 */
export function candidateAddresses(list: readonly IpEndpoint[], own: readonly UdpAddress[], ipv6: boolean): UdpAddress[] {
  const seen = new Set<string>();
  const out: UdpAddress[] = [];
  for (const e of list) {
    const a = udpAddressOf(e);
    if (a === null || (!ipv6 && isIpv6Address(a)) || own.some((o) => sameAddress(o, a)) || seen.has(addressKey(a))) continue;
    seen.add(addressKey(a));
    out.push(a);
    if (out.length === CANDIDATES_MAX) break;
  }
  return out;
}

/** A relay host from the wire; an empty host means `ownerHost` (null: not resolvable). */
export function resolveRelay(relay: IpEndpoint | null, ownerHost: string | null): UdpAddress | null {
  if (relay === null) return null;
  if (relay.host !== '') return udpAddressOf(relay);
  return ownerHost === null ? null : udpAddressOf({ host: ownerHost, port: relay.port });
}

/**
 * The relays to try, best first (spec §11.5): our own relay, the server's group relay, the
 * peer's own relay. A peer relay with an empty host ("the peer's IP") is left out: which of
 * its addresses is meant cannot be known.
 */
export function relayList(ownRelay: UdpAddress | null, groupRelay: UdpAddress | null, peerRelay: IpEndpoint | null): UdpAddress[] {
  const out: UdpAddress[] = [];
  for (const r of [ownRelay, groupRelay, resolveRelay(peerRelay, null)]) {
    if (r !== null && !out.some((o) => sameAddress(o, r))) out.push(r);
  }
  return out;
}
