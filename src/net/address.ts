import type { IpEndpoint } from '../protocol/aoo/data.ts';
import { ipAddressBytes, ipAddressString } from '../protocol/aoo/relay.ts';

/** A UDP peer address as AOO compares it: numeric IP (unmapped) and port. */
export interface UdpAddress {
  readonly address: string;
  readonly port: number;
}

/** "::ffff:127.0.0.1" → "127.0.0.1": dual-stack sockets report IPv4 peers mapped. */
export function unmapAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function addressKey(a: UdpAddress): string {
  return `${a.address}|${a.port}`;
}

export function formatAddress(a: UdpAddress): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** Parses "host:port", "[v6]:port"; undefined when malformed. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (m === null) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}

/** `e` in the form socket addresses are reported in (numeric, canonical, unmapped), or null for a hostname. */
export function canonicalAddress(e: IpEndpoint): UdpAddress | null {
  const bytes = ipAddressBytes(e.host);
  if (bytes === null || !Number.isInteger(e.port) || e.port <= 0 || e.port > 0xffff) return null;
  return { address: ipAddressString(bytes, 0, bytes.length as 4 | 16), port: e.port };
}
