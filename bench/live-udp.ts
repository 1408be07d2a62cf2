/** Real UDP on 127.0.0.1 for the live benchmarks, wired as `aoo-node send`/`receive` wire it. */
import { ntpNow } from '../src/cli/stream-clock.ts';
import { UdpEndpoint } from '../src/net/udp-endpoint.ts';
import type { MsgType } from '../src/protocol/aoo/constants.ts';
import { type AooMessage, decodeAoo } from '../src/protocol/aoo/messages.ts';
import type { SocketAddress } from '../src/stream/endpoint.ts';

export const LOOPBACK = '127.0.0.1';

/** A UDP endpoint on a free loopback port; dropped datagrams are reported on stderr (once per reason). */
export function openLoopback(role: string): Promise<UdpEndpoint> {
  return UdpEndpoint.open(0, LOOPBACK, (reason, detail) => process.stderr.write(`bench ${role}: dropped ${reason} datagram (${detail})\n`));
}

/** Routes the datagrams for (type, id) to `handle`, decoded and stamped with the arrival time. */
export function attachDecoded(
  udp: UdpEndpoint,
  type: MsgType.Source | MsgType.Sink,
  id: number,
  handle: (msg: AooMessage, from: SocketAddress, time: number) => void,
): void {
  udp.attach(type, id, (bytes, from) => {
    const r = decodeAoo(bytes);
    if (r.ok) handle(r.value, from, ntpNow());
  });
}
