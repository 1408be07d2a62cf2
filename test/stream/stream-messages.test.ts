import { strict as assert } from 'node:assert';
import type { StreamFormat } from '../../src/codec/codec.ts';
import type { SinkEvent } from '../../src/stream/events.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, Session } from './harness.ts';
import { BS, SR, makeSink, makeSource, pcmFormat, sourceAt } from './setup.ts';

const SOURCE = sourceAt(1, 9001);
const SINK = sourceAt(2, 9000);

/** Sends an impulse with a message at the same sample every few blocks; checks both come out together. */
function impulsesAndMessages(format: StreamFormat, link: Link): void {
  const session = new Session(link, BS, SR, 2000);
  const source = makeSource(SOURCE.id, 1, 41, { format });
  const sink = makeSink(SINK.id, 1, 42, { latency: 0.1 });
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
  let seen = 0;
  for (let tick = 0; tick < 1500; tick++) {
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
    for (const m of messages) assert.equal(new TextDecoder().decode(m.data), `m${seen++}`);
  }
  assert.ok(seen > 150, `only ${seen} messages arrived`);
}

describe('stream: stream messages', () => {
  it('arrive at the exact output sample of an impulse sent at the same block position', () => {
    impulsesAndMessages(pcmFormat(1), new Link(seededRandom(7)));
  });

  it('stay sample-exact with reblocking (format block 256, process blocks 64) and resent blocks', () => {
    impulsesAndMessages({ ...pcmFormat(1), blockSize: 256 }, new Link(seededRandom(8), { loss: 0.05, delay: 0.002, jitter: 0.01 }));
  });
});
