/**
 * A source host and a sink host with their own audio clocks (sample rate, block size, drift,
 * bursty ticks from test/support/sim/clock.ts) joined by a Link, run in global simulated
 * time. Each host calls its object with the global time of the tick: the machines' system
 * clocks agree (NTP), their sound cards do not.
 */
import type { SinkEvent } from '../../src/stream/events.ts';
import type { Sink } from '../../src/stream/sink.ts';
import type { Source } from '../../src/stream/source.ts';
import { seededRandom } from '../../src/util/random.ts';
import { type BurstMode, type HostTick, hostTicks } from '../support/sim/clock.ts';
import { type Link, T0 } from './harness.ts';
import { sourceAt } from './setup.ts';

export interface HostClock {
  readonly sampleRate: number;
  readonly blockSize: number;
  /** Rate error of the host's sound card against global time. */
  readonly ppm?: number;
  readonly burst?: BurstMode;
  readonly seed?: number;
}

export const SOURCE_ADDRESS = sourceAt(1, 9001);
export const SINK_ADDRESS = sourceAt(2, 9000);

export interface TwoHostCallbacks {
  /** Fills the next source block (planar); `frame` is the host sample index of its first frame. */
  readonly fill: (block: Float32Array, frame: number) => void;
  /** Sees each sink block after `process()`, with the events of that call; `frame` as above. */
  readonly played: (block: Float32Array, events: readonly SinkEvent[], frame: number) => void;
}

export class TwoHosts {
  private readonly sourceTicks: Generator<HostTick, never>;
  private readonly sinkTicks: Generator<HostTick, never>;
  private nextSource: HostTick;
  private nextSink: HostTick;
  private readonly sourceBlock: Float32Array;
  private readonly sinkBlock: Float32Array;
  now = 0;

  constructor(
    private readonly link: Link,
    private readonly source: Source,
    private readonly sourceHost: HostClock,
    private readonly sink: Sink,
    private readonly sinkHost: HostClock,
    sinkChannels: number,
    private readonly callbacks: TwoHostCallbacks,
  ) {
    this.sourceTicks = hostTicks({ ...sourceHost, random: seededRandom(sourceHost.seed ?? 1) });
    this.sinkTicks = hostTicks({ ...sinkHost, random: seededRandom((sinkHost.seed ?? 1) + 1000) });
    this.nextSource = this.sourceTicks.next().value;
    this.nextSink = this.sinkTicks.next().value;
    this.sourceBlock = new Float32Array(source.format.channels * sourceHost.blockSize);
    this.sinkBlock = new Float32Array(sinkChannels * sinkHost.blockSize);
    link.add({ address: SOURCE_ADDRESS, role: 'source', handle: (m, from, t) => source.handleMessage(m, from, t) });
    link.add({ address: SINK_ADDRESS, role: 'sink', handle: (m, from, t) => sink.handleMessage(m, from, t) });
  }

  /** Runs until global time `seconds` (from the start of the simulation). */
  runUntil(seconds: number): void {
    for (;;) {
      const sourceFirst = this.nextSource.deliveryTime <= this.nextSink.deliveryTime;
      const tick = sourceFirst ? this.nextSource : this.nextSink;
      if (tick.deliveryTime > seconds) return;
      this.now = tick.deliveryTime;
      this.link.now = T0 + tick.deliveryTime;
      this.link.deliver();
      if (sourceFirst) this.sourceTick(tick);
      else this.sinkTick(tick);
    }
  }

  private sourceTick(tick: HostTick): void {
    this.callbacks.fill(this.sourceBlock, tick.tickIndex * this.sourceHost.blockSize);
    this.source.process(this.sourceBlock, this.link.now);
    this.source.send(this.link.out(SOURCE_ADDRESS));
    this.source.pollEvents();
    this.nextSource = this.sourceTicks.next().value;
  }

  private sinkTick(tick: HostTick): void {
    this.sink.process(this.sinkBlock, this.link.now);
    this.sink.send(this.link.out(SINK_ADDRESS));
    this.callbacks.played(this.sinkBlock, this.sink.pollEvents(), tick.tickIndex * this.sinkHost.blockSize);
    this.nextSink = this.sinkTicks.next().value;
  }
}
