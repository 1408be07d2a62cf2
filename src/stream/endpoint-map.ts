import type { Endpoint } from './endpoint.ts';

/**
 * Values by endpoint. A packet's sender is looked up from (address, port, id) through nested
 * maps, with no key string built per packet; `values` lists them in insertion order for loops
 * that run every block.
 */
export class EndpointMap<V> {
  private readonly index = new Map<string, Map<number, Map<number, V>>>();
  private readonly list: V[] = [];

  /** The values, oldest first. The array is live: `delete` removes from it. */
  get values(): readonly V[] {
    return this.list;
  }

  get(address: string, port: number, id: number): V | undefined {
    return this.index.get(address)?.get(port)?.get(id);
  }

  find(ep: Endpoint): V | undefined {
    return this.get(ep.address, ep.port, ep.id);
  }

  /** Adds `value` for a new endpoint; an endpoint already present keeps its value. */
  add(ep: Endpoint, value: V): void {
    let ports = this.index.get(ep.address);
    if (ports === undefined) this.index.set(ep.address, (ports = new Map()));
    let ids = ports.get(ep.port);
    if (ids === undefined) ports.set(ep.port, (ids = new Map()));
    if (ids.has(ep.id)) return;
    ids.set(ep.id, value);
    this.list.push(value);
  }

  delete(ep: Endpoint): void {
    const ports = this.index.get(ep.address);
    const ids = ports?.get(ep.port);
    const value = ids?.get(ep.id);
    if (ports === undefined || ids === undefined || value === undefined) return;
    ids.delete(ep.id);
    if (ids.size === 0) ports.delete(ep.port);
    if (ports.size === 0) this.index.delete(ep.address);
    this.list.splice(this.list.indexOf(value), 1);
  }
}
