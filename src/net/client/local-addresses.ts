import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import type { UdpAddress } from '../address.ts';

/**
 * The addresses a client announces before its public one (spec §11.4): this machine's first
 * external IPv4 address and, if `ipv6`, its first external IPv6 address that is not
 * link-local; both with the client's UDP `port`.
 */
export function localAddresses(port: number, ipv6: boolean, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): UdpAddress[] {
  const all = Object.values(interfaces).flatMap((list) => list ?? []).filter((i) => !i.internal);
  const v4 = all.find((i) => i.family === 'IPv4');
  const v6 = ipv6 ? all.find((i) => i.family === 'IPv6' && i.scopeid === 0 && !/^fe[89ab]/i.test(i.address)) : undefined;
  return [v4, v6].filter((i) => i !== undefined).map((i) => ({ address: i.address, port }));
}
