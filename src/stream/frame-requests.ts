import type { FrameRequest } from '../protocol/aoo/source/data-request.ts';
import type { PacketOut, SocketAddress } from './endpoint.ts';
import type { MessageWriter } from './message-writer.ts';

interface RequestTarget {
  readonly sourceId: number;
  readonly sinkId: number;
  readonly streamId: number;
}

/**
 * Writes resend requests in as few packets as the packet size allows: binary (spec §3.4,
 * (packetSize − 20) / 8 requests per packet) or OSC (§4.9, (packetSize − 37) / 10 pairs).
 */
export function writeFrameRequests(
  requests: readonly FrameRequest[],
  target: RequestTarget,
  options: { readonly binary: boolean; readonly packetSize: number },
  to: SocketAddress,
  writer: MessageWriter,
  out: PacketOut,
): void {
  const form = options.binary ? 'binary' : 'osc';
  const perPacket = options.binary ? Math.floor((options.packetSize - 20) / 8) : Math.floor((options.packetSize - 37) / 10);
  let chunk: FrameRequest[] = [];
  let units = 0;
  const flush = (): void => {
    if (chunk.length > 0) writer.write({ kind: 'source/data', form, ...target, requests: chunk }, to, out);
    chunk = [];
    units = 0;
  };
  for (const r of requests) {
    const size = options.binary || r.offset < 0 ? 1 : popCount(r.bitset);
    if (units + size > perPacket) flush();
    chunk.push(r);
    units += size;
  }
  flush();
}

function popCount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}
