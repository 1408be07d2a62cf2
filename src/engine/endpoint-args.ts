/** Endpoints in a patch's messages and events (wire spec §12): `<host> <port> <id>`. */
import type { Endpoint } from '../stream/endpoint.ts';
import type { Atom } from './control-protocol.ts';

/** An endpoint as the patch wrote it: the host is a name or an IP address, not yet resolved. */
export interface EndpointArg {
  readonly host: string;
  readonly port: number;
  readonly id: number;
}

export const isPortNumber = (n: Atom | undefined): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536;
export const isAooId = (n: Atom | undefined): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0x7fffffff;

/** Reads `<host> <port> <id>` at `args[at…]`; an error text when it is not one. */
export function parseEndpointArg(args: readonly Atom[], at: number): EndpointArg | string {
  const [host, port, id] = [args[at], args[at + 1], args[at + 2]];
  if (host === undefined || port === undefined || id === undefined) return 'needs an endpoint: <host> <port> <id>';
  if (typeof host !== 'string') return `bad host ${host}: give a host name or an IP address`;
  if (typeof port === 'string') return `"${host} ${port}": peer endpoints (<group> <user> <id>) need aoo.client which aoo-node does not support yet`;
  if (!isPortNumber(port)) return `bad port ${String(port)} (1…65535)`;
  if (!isAooId(id)) return `bad id ${String(id)} (a whole number 0…2147483647)`;
  return { host, port, id };
}

/** `<ip> <port> <id>`, as events show an endpoint. */
export function endpointAtoms(ep: Endpoint): Atom[] {
  return [ep.address, ep.port, ep.id];
}
