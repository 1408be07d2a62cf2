import { PACKET_SIZE_MAX } from '../../protocol/aoo/constants.ts';
import { wrapForRelay } from '../../protocol/aoo/relay.ts';
import type { UdpAddress } from '../address.ts';
import { ipEndpointOf } from './addresses.ts';

/** Room for the largest OSC relay header: address, type tags, an IPv6 string, port, blob size and padding. */
const RELAY_HEADER_MAX = 96;

/** Wraps packets for a relay (spec §3.5, §11.9) into one reused buffer. */
export class RelayWrapper {
  private readonly buffer = new Uint8Array(PACKET_SIZE_MAX + RELAY_HEADER_MAX);

  constructor(readonly form: 'binary' | 'osc') {}

  /** `packet` wrapped for its `destination`: a view into the reused buffer, or null if it does not fit. */
  wrap(packet: Uint8Array, destination: UdpAddress): Uint8Array | null {
    const n = wrapForRelay(this.buffer, 0, this.form, ipEndpointOf(destination), packet);
    return n < 0 ? null : this.buffer.subarray(0, n);
  }
}
