import { encodeAoo, type AooMessage } from '../protocol/aoo/messages.ts';
import type { PacketOut, SocketAddress } from './endpoint.ts';

/** Encodes messages into one preallocated buffer and hands the bytes to the transport. */
export class MessageWriter {
  private readonly buffer = new Uint8Array(65536);

  write(m: AooMessage, to: SocketAddress, out: PacketOut): void {
    const r = encodeAoo(m, this.buffer, 0);
    if (!r.ok) throw new Error(`cannot encode ${m.kind}: ${r.error.detail}`);
    out(this.buffer.subarray(0, r.value), to);
  }
}
