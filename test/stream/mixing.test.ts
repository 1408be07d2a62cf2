import { strict as assert } from 'node:assert';
import { seededRandom } from '../../src/util/random.ts';
import { Link, Session, fillNoise, findOffset } from './harness.ts';
import { BS, SR, makeSink, makeSource, sourceAt } from './setup.ts';

describe('stream: several sources and sinks', () => {
  it('two sources into one sink are summed sample by sample', () => {
    const session = new Session(new Link(seededRandom(4)), BS, SR, 1000);
    const a = makeSource(1, 1, 21);
    const b = makeSource(1, 1, 22);
    const A = sourceAt(1, 9001);
    const B = sourceAt(1, 9002);
    const SINK = sourceAt(5, 9000);
    const sink = makeSink(SINK.id, 2, 23);
    const ra = seededRandom(31);
    const rb = seededRandom(32);
    // quarter-scale values so that the float32 sum is exact
    const quarterScale = (random: () => number) => (blk: Float32Array) => {
      for (let i = 0; i < blk.length; i++) blk[i] = Math.round(random() * 256) / 1024;
    };
    session.addSource(a, A, quarterScale(ra));
    session.addSource(b, B, quarterScale(rb));
    session.addSink(sink, SINK, 2);
    a.addSink(SINK);
    b.addSink(SINK);
    b.setSinkChannelOffset(SINK, 0);
    a.startStream();
    b.startStream();
    session.run(1);
    const left = session.sinks[0]!.received[0]!;
    const right = session.sinks[0]!.received[1]!;
    const sa = session.sources[0]!.sent[0]!;
    const sb = session.sources[1]!.sent[0]!;
    const offset = 37 * BS; // as in stream.test.ts
    for (let k = 0; k < session.tickCount * BS - offset; k++) {
      if (left[offset + k] !== sa[k]! + sb[k]!) assert.fail(`sample ${k}: ${left[offset + k]} ≠ ${sa[k]} + ${sb[k]}`);
    }
    assert.ok(right.every((v) => v === 0));
  });

  it('a channel onset moves a mono source to the second sink channel', () => {
    const session = new Session(new Link(seededRandom(5)), BS, SR, 200);
    const source = makeSource(1, 1, 24);
    const SOURCE = sourceAt(1, 9001);
    const SINK = sourceAt(5, 9000);
    const r = seededRandom(33);
    session.addSource(source, SOURCE, (blk) => fillNoise(blk, r));
    session.addSink(makeSink(SINK.id, 2, 25), SINK, 2);
    source.addSink(SINK);
    source.setSinkChannelOffset(SINK, 1);
    source.startStream();
    session.run(0.2);
    const [left, right] = session.sinks[0]!.received;
    assert.ok(left!.every((v) => v === 0));
    assert.equal(findOffset(session.sources[0]!.sent[0]!, right!), 37 * BS);
  });

  it('one source to three sinks: each gets the same audio under its own stream ID', () => {
    const session = new Session(new Link(seededRandom(6), { delay: 0.001, jitter: 0.005 }), BS, SR, 1000);
    const source = makeSource(1, 2, 26);
    const SOURCE = sourceAt(1, 9001);
    const r = seededRandom(34);
    session.addSource(source, SOURCE, (blk) => fillNoise(blk, r));
    for (const port of [9100, 9200, 9300]) {
      const ep = sourceAt(7, port);
      session.addSink(makeSink(ep.id, 2, port), ep, 2);
      source.addSink(ep);
    }
    source.startStream();
    session.run(1);
    const sent = session.sources[0]!.sent;
    for (const k of session.sinks) {
      const offset = findOffset(sent[0]!, k.received[0]!);
      assert.ok(offset > 0);
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < session.tickCount * BS - offset; i++) if (k.received[c]![offset + i] !== sent[c]![i]) assert.fail(`sink ${k.address.port} ch ${c} sample ${i}`);
      }
      assert.ok(k.events.some((e) => e.type === 'StreamState' && e.state === 'active'));
    }
  });
});
