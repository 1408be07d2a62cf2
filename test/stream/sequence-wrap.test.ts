import { strict as assert } from 'node:assert';
import type { AooMessage } from '../../src/protocol/aoo/messages.ts';
import { SEQUENCE_LIMIT, addSequence, nextSequence, previousSequence, sequenceDistance } from '../../src/stream/sequence.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, Session, fillNoise, findOffset } from './harness.ts';
import { BS, SR, makeSink, makeSource, sourceAt } from './setup.ts';

const SOURCE = sourceAt(1, 9001);
const SINK = sourceAt(2, 9000);
const LAST = SEQUENCE_LIMIT - 1; // 2^31 − 2, the largest sequence number (spec §5.1)

describe('stream: sequence numbers wrap from 2^31 − 2 to 0', () => {
  it('arithmetic round the wrap', () => {
    assert.equal(nextSequence(LAST), 0);
    assert.equal(previousSequence(0), LAST);
    assert.equal(addSequence(LAST - 1, 5), 3);
    assert.equal(addSequence(2, -5), LAST - 2);
    assert.equal(sequenceDistance(LAST - 1, 2), 4);
    assert.equal(sequenceDistance(2, LAST - 1), -4);
    assert.equal(sequenceDistance(5, 5), 0);
    assert.equal(sequenceDistance(0, 1000), 1000);
  });

  it('a stream crossing the wrap: no block dropped, bit-identical audio, lost frames on both sides resent', () => {
    // The first frames of the blocks around the wrap are lost once, on top of 5 % random loss.
    const aroundWrap = new Set([LAST - 1, LAST, 0, 1]);
    const lostOnce = new Set<number>();
    const drop = (m: AooMessage): boolean => {
      if (m.kind !== 'sink/data' || !aroundWrap.has(m.sequence) || m.frameIndex !== 0 || lostOnce.has(m.sequence)) return false;
      lostOnce.add(m.sequence);
      return true;
    };
    const link = new Link(seededRandom(81), { loss: 0.05, delay: 0.002, jitter: 0.01, drop });
    const session = new Session(link, BS, SR, (3 * SR) / BS + 1);
    const source = makeSource(SOURCE.id, 2, 82, { firstSequence: LAST - 300 });
    const sink = makeSink(SINK.id, 2, 83);
    const noise = seededRandom(84);
    session.addSource(source, SOURCE, (b) => fillNoise(b, noise));
    session.addSink(sink, SINK, 2);
    source.addSink(SINK);
    source.startStream();
    const dataSequences: number[] = [];
    const requested = new Set<number>();
    link.tap = ({ msg }) => {
      if (msg.kind === 'sink/data' && msg.frameIndex === 0) dataSequences.push(msg.sequence);
      if (msg.kind === 'source/data') for (const r of msg.requests) requested.add(r.sequence);
    };
    session.run(3);

    assert.ok(dataSequences[0]! >= LAST - 300 && dataSequences[0]! < LAST - 290, `the stream starts at ${dataSequences[0]}`);
    assert.ok(dataSequences.includes(LAST) && dataSequences.includes(0) && dataSequences.at(-1)! > 1500, 'the stream did not cross the wrap');
    assert.deepEqual([...lostOnce].sort(), [...aroundWrap].sort());
    for (const seq of aroundWrap) assert.ok(requested.has(seq), `block ${seq} was not requested`);
    const { events, received } = session.sinks[0]!;
    assert.ok(!events.some((e) => e.type === 'BlockDrop' || e.type === 'BufferOverrun' || e.type === 'BufferUnderrun' || e.type === 'Error'));
    assert.ok(events.reduce((n, e) => n + (e.type === 'BlockResend' ? e.count : 0), 0) >= aroundWrap.size);
    const sent = session.sources[0]!.sent;
    const offset = findOffset(sent[0]!, received[0]!);
    assert.ok(offset > 0);
    for (let c = 0; c < 2; c++) {
      for (let k = 0; k + offset < session.tickCount * BS; k++) {
        if (received[c]![offset + k] !== sent[c]![k]) assert.fail(`channel ${c} sample ${k}`);
      }
    }
  });
});
