/** A stream of impulses, each with a stream message on the same sample: where both come out. */
import { strict as assert } from 'node:assert';
import type { StreamFormat } from '../../src/codec/codec.ts';
import type { SinkEvent } from '../../src/stream/events.ts';
import type { Sink } from '../../src/stream/sink.ts';
import { seededRandom } from '../../src/util/random.ts';
import { type Link, Session } from './harness.ts';
import { BS, SR, makeSink, makeSource, sourceAt } from './setup.ts';

const SOURCE = sourceAt(1, 9001);
const SINK = sourceAt(2, 9000);

export interface Arrival {
  /** Index of the message (and its impulse) in sending order. */
  readonly index: number;
  readonly tick: number;
  /** Output sample minus sent sample. */
  readonly delay: number;
}

/**
 * Sends an impulse with a message "m<index>" at the same sample every 7th block, for `ticks`
 * blocks; asserts for every output block that messages and impulses come out on the same
 * samples, and that messages keep their order. `beforeTick` may change the sink on the way.
 * Returns the messages that arrived and all the sink's events.
 */
export function impulsesAndMessages(
  format: StreamFormat,
  link: Link,
  options: { readonly ticks?: number; readonly latency?: number; readonly beforeTick?: (tick: number, sink: Sink) => void } = {},
): { readonly arrivals: readonly Arrival[]; readonly events: readonly SinkEvent[] } {
  const ticks = options.ticks ?? 1500;
  const session = new Session(link, BS, SR, ticks + 1);
  const source = makeSource(SOURCE.id, 1, 41, { format });
  const sink = makeSink(SINK.id, 1, 42, { latency: options.latency ?? 0.1 });
  const where = seededRandom(43);
  let pending = -1;
  session.addSource(source, SOURCE, (blk) => {
    blk.fill(0);
    if (pending >= 0) blk[pending] = 1;
  });
  session.addSink(sink, SINK, 1);
  source.addSink(SINK);
  source.startStream();
  const sentAt: number[] = [];
  const arrivals: Arrival[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    options.beforeTick?.(tick, sink);
    pending = tick % 7 === 3 ? Math.floor(where() * BS) : -1;
    if (pending >= 0) {
      source.addStreamMessage({ channel: 0, type: 1, data: new TextEncoder().encode(`m${sentAt.length}`), sampleOffset: pending });
      sentAt.push(tick * BS + pending);
    }
    const before = session.sinks[0]!.events.length;
    session.tick();
    const events = session.sinks[0]!.events.slice(before);
    const out = session.sinks[0]!.block;
    const impulses = [...out.keys()].filter((i) => out[i] === 1);
    const messages = events.filter((e): e is Extract<SinkEvent, { type: 'StreamMessage' }> => e.type === 'StreamMessage');
    assert.deepEqual(
      messages.map((m) => m.sampleOffset),
      impulses,
      `tick ${tick}: messages at ${messages.map((m) => m.sampleOffset)}, impulses at ${impulses}`,
    );
    for (const m of messages) {
      const index = Number(new TextDecoder().decode(m.data).slice(1));
      assert.ok(arrivals.length === 0 || index > arrivals.at(-1)!.index, `message m${index} out of order`);
      arrivals.push({ index, tick, delay: tick * BS + m.sampleOffset - sentAt[index]! });
    }
  }
  return { arrivals, events: session.sinks[0]!.events };
}
