/** Sources on one real UDP port, each streaming the test signal to its sinks, driven by the caller's block clock. */
import type { StreamFormat } from '../src/codec/codec.ts';
import type { UdpEndpoint } from '../src/net/udp-endpoint.ts';
import { MsgType } from '../src/protocol/aoo/constants.ts';
import type { Endpoint, PacketOut } from '../src/stream/endpoint.ts';
import { Source } from '../src/stream/source.ts';
import { seededRandom } from '../src/util/random.ts';
import { attachDecoded, openLoopback } from './live-udp.ts';
import { HOST_BLOCK, SAMPLE_RATE, testSignal } from './stream-formats.ts';

export class LiveSources {
  private readonly signal: readonly Float32Array[];
  private readonly out: PacketOut;
  private blockIndex = 0;

  private constructor(
    private readonly udp: UdpEndpoint,
    private readonly sources: readonly Source[],
    format: StreamFormat,
  ) {
    this.signal = testSignal(format.channels);
    this.out = (bytes, to) => udp.send(bytes, to);
  }

  /** `count` running sources with IDs 1…count on one new loopback port; source i streams to `sinksOf(i)`. */
  static async open(count: number, format: StreamFormat, sinksOf: (index: number) => readonly Endpoint[]): Promise<LiveSources> {
    const udp = await openLoopback('sources');
    const sources = Array.from({ length: count }, (_, i) => {
      const source = new Source({ id: i + 1, format, processBlockSize: HOST_BLOCK, sampleRate: SAMPLE_RATE, random: seededRandom(i) });
      attachDecoded(udp, MsgType.Source, source.id, (msg, from, time) => source.handleMessage(msg, from, time));
      for (const sink of sinksOf(i)) source.addSink(sink, true);
      source.startStream();
      return source;
    });
    return new LiveSources(udp, sources, format);
  }

  /** Datagrams sent so far. */
  get sent(): number {
    return this.udp.sent;
  }

  /** Every source takes one host block; each starts at a different place in the signal. */
  process(time: number): void {
    const n = this.signal.length;
    this.sources.forEach((source, i) => source.process(this.signal[(this.blockIndex + 37 * i) % n]!, time));
    this.blockIndex++;
  }

  send(): void {
    for (const source of this.sources) {
      source.send(this.out);
      source.pollEvents();
    }
  }

  close(): void {
    this.udp.close();
  }
}
