/**
 * Endpoints in a patch's messages and events (wire spec §12): `<host> <port> <id>`, or
 * `<group> <user> <id>` (atom 2 a symbol) for a peer of the `[aoo.client]` on the same port.
 */
import type { Endpoint } from '../stream/endpoint.ts';
import type { Atom } from './control-protocol.ts';
import type { PeerDirectory } from './host-object.ts';

/** An endpoint as the patch wrote it: a host name or IP address not yet resolved, or a peer by name. */
export type EndpointArg =
  | { readonly kind: 'host'; readonly host: string; readonly port: number; readonly id: number }
  | { readonly kind: 'peer'; readonly group: string; readonly user: string; readonly id: number };

export const isPortNumber = (n: Atom | undefined): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536;
export const isAooId = (n: Atom | undefined): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0x7fffffff;

/** A name in a patch: a symbol, or a number as Pd prints it (a group called 1). */
export function nameOf(a: Atom): string {
  return typeof a === 'string' ? a : String(a);
}

/** Reads an endpoint at `args[at…]`; an error text when it is not one. */
export function parseEndpointArg(args: readonly Atom[], at: number): EndpointArg | string {
  const [host, port, id] = [args[at], args[at + 1], args[at + 2]];
  if (host === undefined || port === undefined || id === undefined) return 'needs an endpoint: <host> <port> <id> or <group> <user> <id>';
  if (!isAooId(id)) return `bad id ${String(id)} (a whole number 0…2147483647)`;
  if (typeof port === 'string') return { kind: 'peer', group: nameOf(host), user: port, id };
  if (typeof host !== 'string') return `bad host ${host}: give a host name or an IP address`;
  if (!isPortNumber(port)) return `bad port ${String(port)} (1…65535)`;
  return { kind: 'host', host, port, id };
}

/** The endpoint as the patch wrote it, for messages: "band bob 1", "127.0.0.1 9001 1". */
export function endpointArgText(arg: EndpointArg): string {
  return arg.kind === 'peer' ? `${arg.group} ${arg.user} ${arg.id}` : `${arg.host} ${arg.port} ${arg.id}`;
}

/** How events show an endpoint: `<group> <user> <id>` for a known peer, else `<ip> <port> <id>`. */
export function endpointAtoms(ep: Endpoint, peers: PeerDirectory): Atom[] {
  const peer = peers.nameAt(ep);
  return peer === null ? [ep.address, ep.port, ep.id] : [peer.group, peer.user, ep.id];
}
