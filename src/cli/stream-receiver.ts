/** The receiving half of `receive` and `demo`: a Sink on a UDP endpoint, played out block by block. */
import { UdpEndpoint } from '../net/udp-endpoint.ts';
import { MsgType } from '../protocol/aoo/constants.ts';
import { SinkPacketDecoder } from '../protocol/aoo/sink/packet-decoder.ts';
import type { PacketOut } from '../stream/endpoint.ts';
import type { SinkEvent } from '../stream/events.ts';
import { Sink } from '../stream/sink.ts';
import { ntpNow } from './stream-clock.ts';
import { type OwnSocket, reportDrops } from './stream-sender.ts';

export interface StreamReceiverOptions {
  readonly id: number;
  readonly channels: number;
  readonly sampleRate: number;
  /** Samples per channel per `processBlock()`. */
  readonly blockSize: number;
  /** Seconds of buffering before playout. */
  readonly latency: number;
  /** Follow the source's clock (default): off keeps PCM bit-exact between machines that share a clock. */
  readonly dynamicResampling?: boolean;
  /** Every sink event with its sample position in the output (the blocks `processBlock()` returned). */
  readonly onEvent: (e: SinkEvent, sample: number) => void;
}

export class StreamReceiver {
  readonly sink: Sink;
  /** Samples per channel played out so far. */
  private position = 0;
  private readonly block: Float32Array;
  private readonly decoder = new SinkPacketDecoder();

  /** A receiver on a socket of its own, closed by `close()`. */
  static async open(o: StreamReceiverOptions & OwnSocket): Promise<StreamReceiver> {
    const udp = await UdpEndpoint.open(o.port, o.host, reportDrops(o.report));
    return new StreamReceiver(o, udp, (bytes, to) => udp.send(bytes, to), () => udp.close());
  }

  /**
   * A receiver on an endpoint it shares (e.g. with a NodeClient, whose `streamOut` is then `out`):
   * `close()` detaches it and leaves the endpoint open.
   */
  static on(udp: UdpEndpoint, o: StreamReceiverOptions, out: PacketOut = (bytes, to) => udp.send(bytes, to)): StreamReceiver {
    return new StreamReceiver(o, udp, out, () => udp.detach(MsgType.Sink, o.id));
  }

  private constructor(
    private readonly o: StreamReceiverOptions,
    private readonly udp: UdpEndpoint,
    private readonly out: PacketOut,
    private readonly release: () => void,
  ) {
    this.sink = new Sink({ id: o.id, channels: o.channels, sampleRate: o.sampleRate, blockSize: o.blockSize, random: Math.random, latency: o.latency, dynamicResampling: o.dynamicResampling ?? true });
    this.block = new Float32Array(o.channels * o.blockSize);
    udp.attach(MsgType.Sink, o.id, (bytes, from) => {
      const m = this.decoder.decode(bytes);
      if (m === null) return;
      this.sink.handleMessage(m, from, ntpNow());
      // Events of arriving packets take effect at the start of the next block.
      this.emitEvents(false);
    });
  }

  get port(): number {
    return this.udp.port;
  }

  /** Seconds played out so far. */
  get seconds(): number {
    return this.position / this.o.sampleRate;
  }

  /** Plays out the next block at `time` (NTP seconds); planar `channels × blockSize`, valid until the next call. */
  processBlock(time: number): Float32Array {
    this.sink.process(this.block, time);
    this.emitEvents(true);
    this.position += this.o.blockSize;
    return this.block;
  }

  /** Sends the sink's requests: resends, pings, `/start` and `/stop` requests. */
  flush(): void {
    this.sink.send(this.out);
  }

  /** Closes its own socket or detaches from the shared one. */
  close(): void {
    this.release();
  }

  private emitEvents(inBlock: boolean): void {
    for (const e of this.sink.pollEvents()) {
      const offset = inBlock && 'sampleOffset' in e ? e.sampleOffset : 0;
      this.o.onEvent(e, this.position + offset);
    }
  }
}
