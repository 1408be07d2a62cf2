import type { IpEndpoint } from '../../protocol/aoo/data.ts';
import { type UdpAddress, canonicalAddress } from '../address.ts';

const NOBODY: ReadonlySet<number> = new Set();

/**
 * Which clients listed a UDP address in their login (spec §11.4 address list). Looked up
 * for every relayed packet, so by IP, then port, without building key strings.
 */
export class AddressIndex {
  private readonly owners = new Map<string, Map<number, Set<number>>>();

  add(client: number, addresses: readonly IpEndpoint[]): void {
    for (const a of canonical(addresses)) {
      let ports = this.owners.get(a.address);
      if (ports === undefined) this.owners.set(a.address, (ports = new Map()));
      let clients = ports.get(a.port);
      if (clients === undefined) ports.set(a.port, (clients = new Set()));
      clients.add(client);
    }
  }

  remove(client: number, addresses: readonly IpEndpoint[]): void {
    for (const a of canonical(addresses)) {
      const ports = this.owners.get(a.address);
      const clients = ports?.get(a.port);
      if (!clients?.delete(client) || clients.size > 0) continue;
      ports!.delete(a.port);
      if (ports!.size === 0) this.owners.delete(a.address);
    }
  }

  /** The clients that listed `a`. */
  at(a: UdpAddress): ReadonlySet<number> {
    return this.owners.get(a.address)?.get(a.port) ?? NOBODY;
  }
}

function canonical(addresses: readonly IpEndpoint[]): UdpAddress[] {
  return addresses.flatMap((e) => canonicalAddress(e) ?? []);
}
