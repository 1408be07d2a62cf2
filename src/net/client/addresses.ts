/** Socket addresses as the client compares them: numeric, canonical, never IPv4-mapped (spec §1.4, §2.3). */
import { isIPv6 } from 'node:net';
import type { IpEndpoint } from '../../protocol/aoo/data.ts';
import { type UdpAddress, canonicalAddress } from '../address.ts';

/**
 * The canonical UDP address of a numeric endpoint (IPv6 in compressed lower case), or null if
 * the host is not a numeric IP, is IPv4-mapped IPv6 (dropped, as the reference does with peer
 * addresses, spec §11.5), or the port is not 1…65535.
 */
export function udpAddressOf(e: IpEndpoint): UdpAddress | null {
  const a = canonicalAddress(e);
  return a === null || (isIPv6(e.host) && !isIPv6(a.address)) ? null : a;
}

export function ipEndpointOf(a: UdpAddress): IpEndpoint {
  return { host: a.address, port: a.port };
}

export function sameAddress(a: UdpAddress, b: UdpAddress): boolean {
  return a.address === b.address && a.port === b.port;
}

export function isIpv6Address(a: UdpAddress): boolean {
  return a.address.includes(':');
}
