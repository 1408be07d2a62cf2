/** Where a packet comes from or goes to: a UDP socket address. */
export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** An AOO source or sink somewhere on the network: its socket address plus its AOO ID. */
export interface Endpoint extends SocketAddress {
  readonly id: number;
}

/** Map key of an endpoint: "127.0.0.1:9000#2". */
export function endpointKey(ep: Endpoint): string {
  return `${ep.address}:${ep.port}#${ep.id}`;
}

export function endpointOf(from: SocketAddress, id: number): Endpoint {
  return { address: from.address, port: from.port, id };
}

/**
 * Hands one datagram to the transport. `bytes` is a view into a buffer that is reused for the
 * next packet: copy it if it has to outlive the call.
 */
export type PacketOut = (bytes: Uint8Array, to: SocketAddress) => void;
