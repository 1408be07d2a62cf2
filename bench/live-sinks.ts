/** Many sinks on one real UDP port, played by the caller's block clock, with a tally of how well they play. */
import type { UdpEndpoint } from '../src/net/udp-endpoint.ts';
import { MsgType } from '../src/protocol/aoo/constants.ts';
import type { Endpoint, PacketOut } from '../src/stream/endpoint.ts';
import type { SinkEvent } from '../src/stream/events.ts';
import { Sink, type SinkOptions } from '../src/stream/sink.ts';
import { seededRandom } from '../src/util/random.ts';
import { LOOPBACK, attachDecoded, openLoopback } from './live-udp.ts';
import { HOST_BLOCK, SAMPLE_RATE } from './stream-formats.ts';

export interface SinkHealth {
  readonly sinks: number;
  /** Sinks whose stream is playing (state `active`) right now. */
  readonly playing: number;
  /** Blocks dropped (never arrived or too late) and buffer underruns, since the previous tally. */
  readonly droppedBlocks: number;
  readonly underruns: number;
}

export class LiveSinks {
  private readonly output: Float32Array;
  private readonly out: PacketOut;
  private readonly playing: boolean[];
  private droppedBlocks = 0;
  private underruns = 0;

  private constructor(
    private readonly udp: UdpEndpoint,
    private readonly sinks: readonly Sink[],
    channels: number,
  ) {
    this.output = new Float32Array(channels * HOST_BLOCK);
    this.out = (bytes, to) => udp.send(bytes, to);
    this.playing = sinks.map(() => false);
  }

  /** Sinks with IDs 1…count on one new loopback port, `channels` channels each, default options unless given. */
  static async open(count: number, channels: number, options: Partial<SinkOptions> = {}): Promise<LiveSinks> {
    const udp = await openLoopback('sinks');
    const sinks = Array.from({ length: count }, (_, i) => {
      const sink = new Sink({ id: i + 1, channels, sampleRate: SAMPLE_RATE, blockSize: HOST_BLOCK, random: seededRandom(1000 + i), ...options });
      attachDecoded(udp, MsgType.Sink, sink.id, (msg, from, time) => sink.handleMessage(msg, from, time));
      return sink;
    });
    return new LiveSinks(udp, sinks, channels);
  }

  get port(): number {
    return this.udp.port;
  }

  /** How a source addresses sink number `index` (0-based). */
  endpoint(index: number): Endpoint {
    return { address: LOOPBACK, port: this.port, id: this.sinks[index]!.id };
  }

  /** Every sink plays one host block into a scratch buffer. */
  process(time: number): void {
    this.sinks.forEach((sink, i) => {
      sink.process(this.output, time);
      for (const e of sink.pollEvents()) this.tally(i, e);
    });
  }

  send(): void {
    for (const sink of this.sinks) sink.send(this.out);
  }

  /** The state now and the counts since the previous call. */
  takeHealth(): SinkHealth {
    const health = { sinks: this.sinks.length, playing: this.playing.filter(Boolean).length, droppedBlocks: this.droppedBlocks, underruns: this.underruns };
    this.droppedBlocks = 0;
    this.underruns = 0;
    return health;
  }

  close(): void {
    this.udp.close();
  }

  private tally(index: number, e: SinkEvent): void {
    if (e.type === 'StreamState') this.playing[index] = e.state === 'active';
    else if (e.type === 'BlockDrop') this.droppedBlocks += e.count;
    else if (e.type === 'BufferUnderrun') this.underruns++;
  }
}
