import { formatAddress } from '../net/address.ts';
import type { Endpoint } from '../stream/endpoint.ts';

/** "127.0.0.1:9101|1", "[::1]:9101|1": how the command line names a source or a sink. */
export function endpointName(ep: Endpoint): string {
  return `${formatAddress(ep)}|${ep.id}`;
}
