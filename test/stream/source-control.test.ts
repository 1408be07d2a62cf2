import { strict as assert } from 'node:assert';
import { PcmBitDepth, pcmExtension } from '../../src/codec/registry.ts';
import type { SinkEvent } from '../../src/stream/events.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, Session, fillNoise, findOffset } from './harness.ts';
import { BS, SR, makeSink, makeSource, pcmFormat, sourceAt } from './setup.ts';
import { longestZeroRun } from '../support/signal.ts';

const SOURCE = sourceAt(1, 9001);
const SINK = sourceAt(2, 9000);

function session(seconds: number, sinkOptions = {}) {
  const s = new Session(new Link(seededRandom(5)), BS, SR, Math.ceil((seconds * SR) / BS) + 1);
  const source = makeSource(SOURCE.id, 2, 51);
  const noise = seededRandom(52);
  s.addSource(source, SOURCE, (b) => fillNoise(b, noise));
  s.addSink(makeSink(SINK.id, 2, 53, sinkOptions), SINK, 2);
  source.addSink(SINK);
  return { s, source };
}

const types = (events: readonly SinkEvent[]) =>
  events.filter((e) => e.type === 'FormatChange' || e.type === 'StreamStart' || e.type === 'StreamStop').map((e) => e.type);

describe('stream: source controls while running', () => {
  it('a format change restarts the stream: FormatChange, StreamStop, StreamStart, then the new format plays', () => {
    const { s, source } = session(3);
    source.startStream();
    s.run(1);
    source.setFormat({ ...pcmFormat(2), blockSize: 128, extension: pcmExtension(PcmBitDepth.int16) });
    s.run(2);
    const { events, received } = s.sinks[0]!;
    assert.deepEqual(types(events), ['FormatChange', 'StreamStart', 'FormatChange', 'StreamStop', 'StreamStart']);
    const changes = events.filter((e): e is Extract<SinkEvent, { type: 'FormatChange' }> => e.type === 'FormatChange');
    assert.equal(changes[1]!.format.blockSize, 128);
    // int16 now: from its own start on, the noise arrives quantised to 1/32767
    const sent = s.sources[0]!.sent[0]!;
    const out = received[0]!;
    const within = (d: number) => {
      for (let k = 2 * SR; k < 2 * SR + 1000; k++) if (Math.abs(out[k + d]! - sent[k]!) > 1 / 32767) return false;
      return true;
    };
    const delay = Array.from({ length: 8000 }, (_, d) => d).find(within);
    assert.ok(delay !== undefined && delay > 0, 'the int16 stream does not carry the sent audio');
    assert.notEqual(findOffset(sent, out, 2 * SR), delay, 'bit-identical: still float32?');
  });

  it('a start offset moves StreamState(active) by as many samples', () => {
    for (const offset of [0, 20]) {
      const { s, source } = session(0.5);
      source.startStream(null, offset);
      s.run(0.5);
      const active = s.sinks[0]!.events.find((e) => e.type === 'StreamState' && e.state === 'active');
      assert.equal(active && 'sampleOffset' in active ? active.sampleOffset : -1, offset);
    }
  });

  it('reportXRun: the lost time goes out as xrun blocks; the sink plays them as silence and stays aligned', () => {
    const { s, source } = session(3, { latency: 0.1 });
    source.startStream();
    s.run(1);
    source.reportXRun(640);
    s.run(1);
    const { events, received } = s.sinks[0]!;
    assert.equal(
      events.reduce((n, e) => n + (e.type === 'BlockXRun' ? e.count : 0), 0),
      10,
    );
    assert.ok(!events.some((e) => e.type === 'BlockDrop' || e.type === 'BufferOverrun'));
    const sent = s.sources[0]!.sent[0]!;
    const before = findOffset(sent, received[0]!, 0);
    const after = findOffset(sent, received[0]!, Math.round(1.5 * SR));
    assert.equal(after - before, 640);
    assert.equal(longestZeroRun(received[0]!.subarray(before + BS, 2 * SR)), 640);
  });
});
