/** One stream between two hosts whose formats differ from the stream's, recorded at the sink. */
import type { StreamFormat } from '../../src/codec/codec.ts';
import type { SinkEvent } from '../../src/stream/events.ts';
import { Sink, type SinkOptions } from '../../src/stream/sink.ts';
import { Source, type SourceOptions } from '../../src/stream/source.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, type LinkOptions } from './harness.ts';
import { type HostClock, SINK_ADDRESS, TwoHosts, type TwoHostCallbacks } from './two-hosts.ts';

export interface ConversionSetup {
  readonly format: StreamFormat;
  readonly sourceHost: HostClock;
  readonly sinkHost: HostClock;
  readonly link?: LinkOptions;
  readonly source?: Partial<SourceOptions>;
  readonly sink?: Partial<SinkOptions>;
}

export interface ConversionRun {
  readonly hosts: TwoHosts;
  readonly source: Source;
  readonly sink: Sink;
}

/** Builds source, sink and hosts; the source streams to the sink from the start. */
export function conversionRun(setup: ConversionSetup, callbacks: TwoHostCallbacks): ConversionRun {
  const { format, sourceHost, sinkHost } = setup;
  const source = new Source({
    id: 1,
    format,
    processBlockSize: sourceHost.blockSize,
    sampleRate: sourceHost.sampleRate,
    random: seededRandom(21),
    ...setup.source,
  });
  const sink = new Sink({ id: SINK_ADDRESS.id, channels: format.channels, sampleRate: sinkHost.sampleRate, blockSize: sinkHost.blockSize, random: seededRandom(22), ...setup.sink });
  const hosts = new TwoHosts(new Link(seededRandom(23), { delay: 0.002, ...setup.link }), source, sourceHost, sink, sinkHost, format.channels, callbacks);
  source.addSink(SINK_ADDRESS);
  source.startStream();
  return { hosts, source, sink };
}

/** Records channel 0 of the sink's output from `from` seconds on, for `seconds`. */
export class Recorder {
  readonly samples: Float32Array;
  readonly events: SinkEvent[] = [];
  private length = 0;

  constructor(
    private readonly sampleRate: number,
    private readonly blockSize: number,
    private readonly from: number,
    seconds: number,
  ) {
    this.samples = new Float32Array(Math.round(seconds * sampleRate));
  }

  readonly played = (block: Float32Array, events: readonly SinkEvent[], frame: number): void => {
    this.events.push(...events);
    const start = frame - Math.round(this.from * this.sampleRate);
    for (let i = 0; i < this.blockSize; i++) {
      const at = start + i;
      if (at >= 0 && at < this.samples.length) this.samples[at] = block[i]!;
    }
    this.length = Math.max(this.length, Math.min(this.samples.length, start + this.blockSize));
  };

  get recorded(): Float32Array {
    return this.samples.subarray(0, this.length);
  }
}
