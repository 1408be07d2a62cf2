import { strict as assert } from 'node:assert';
import type { SinkEvent } from '../../src/stream/events.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, Session, fillNoise, findOffset } from './harness.ts';
import { BS, SR, makeSink, makeSource, pcmFormat, sourceAt } from './setup.ts';

const SOURCE = sourceAt(1, 9001);
const SINK = sourceAt(2, 9000);

function summary(events: readonly SinkEvent[]): string[] {
  return events.filter((e) => e.type !== 'SourcePing' && e.type !== 'StreamTime').map((e) => (e.type === 'StreamState' ? `StreamState(${e.state})` : e.type));
}

/** Asserts that every received sample from `offset` on equals the sent one, up to `length`. */
function assertBitIdentical(sent: Float32Array, received: Float32Array, offset: number, length: number): void {
  for (let k = 0; k < length; k++) {
    if (received[offset + k] !== sent[k]) assert.fail(`sample ${k}: sent ${sent[k]}, received ${received[offset + k]}`);
  }
}

function streamSession(seconds: number, link: Link, sinkOptions = {}, sourceOptions = {}) {
  const session = new Session(link, BS, SR, Math.ceil((seconds * SR) / BS) + 1);
  const source = makeSource(SOURCE.id, 2, 11, sourceOptions);
  const sink = makeSink(SINK.id, 2, 12, sinkOptions);
  const noise = seededRandom(99);
  session.addSource(source, SOURCE, (b) => fillNoise(b, noise));
  session.addSink(sink, SINK, 2);
  source.addSink(SINK);
  source.startStream();
  return { session, source, sink };
}

describe('stream: source → sink', () => {
  it('perfect link, PCM float32 stereo: bit-identical audio after the latency, events in order', () => {
    const { session, source } = streamSession(10.1, new Link(seededRandom(1)));
    session.run(10);
    source.stopStream();
    session.run(0.1);
    const { sent } = session.sources[0]!;
    const { received, events } = session.sinks[0]!;
    const offset = findOffset(sent[0]!, received[0]!);
    // 50 ms → 38 blocks to buffer (spec §7.3); playout starts in the tick the 38th block
    // arrives (this link has no delay), so every block plays 37 ticks after it was sent.
    assert.equal(offset, 37 * BS);
    const length = 10 * SR - offset;
    assertBitIdentical(sent[0]!, received[0]!, offset, length);
    assertBitIdentical(sent[1]!, received[1]!, offset, length);
    assert.deepEqual(summary(events), [
      'SourceAdd',
      'FormatChange',
      'StreamStart',
      'StreamState(buffering)',
      'StreamLatency',
      'StreamState(active)',
      'StreamState(inactive)',
      'StreamStop',
    ]);
    const active = events.find((e) => e.type === 'StreamState' && e.state === 'active');
    assert.deepEqual(active && 'sampleOffset' in active ? active.sampleOffset : -1, 0);
  });

  it('5 % loss both ways, 10 ms jitter (reordering), resend on, 60 s: no dropped block, bit-identical audio', () => {
    const link = new Link(seededRandom(2), { loss: 0.05, delay: 0.002, jitter: 0.01 });
    // Requests repeat every 5 ms (the sink's default) until the block arrives; a block is lost
    // only if every try misses its deadline, 50 ms after it was sent.
    const { session } = streamSession(60, link);
    session.run(60);
    const { sent } = session.sources[0]!;
    const { received, events } = session.sinks[0]!;
    assert.ok(link.lost > 1000, `only ${link.lost} packets lost`);
    assert.equal(events.filter((e) => e.type === 'BlockDrop').length, 0);
    const resent = events.reduce((n, e) => n + (e.type === 'BlockResend' ? e.count : 0), 0);
    assert.ok(resent > 1000, `${resent} blocks completed by resending`);
    assert.ok(session.sourceEvents.some((e) => e.type === 'FrameResend'));
    const offset = findOffset(sent[0]!, received[0]!);
    assert.ok(offset > 0);
    const length = session.tickCount * BS - offset;
    assertBitIdentical(sent[0]!, received[0]!, offset, length);
    assertBitIdentical(sent[1]!, received[1]!, offset, length);
    assert.deepEqual(summary(events).filter((e) => e !== 'BlockResend'), [
      'SourceAdd',
      'FormatChange',
      'StreamStart',
      'StreamState(buffering)',
      'StreamLatency',
      'StreamState(active)',
    ]);
  });

  it('20 % loss: blocks are dropped and reported, audio never stalls', () => {
    const link = new Link(seededRandom(3), { loss: 0.2, delay: 0.002, jitter: 0.01 });
    const { session } = streamSession(20, link, { resendLimit: 4, latency: 0.02 });
    session.run(20);
    const { sent } = session.sources[0]!;
    const { received, events } = session.sinks[0]!;
    const dropped = events.reduce((n, e) => n + (e.type === 'BlockDrop' ? e.count : 0), 0);
    assert.ok(dropped > 0, 'no block dropped');
    // the stream keeps playing: after buffering, every block is either the sent audio or a concealed (silent) block
    const offset = findOffset(sent[0]!, received[0]!, SR);
    assert.ok(offset > 0);
    let played = 0;
    let silent = 0;
    for (let b = offset; b + BS <= session.tickCount * BS; b += BS) {
      const same = received[0]!.subarray(b, b + BS).every((v, i) => v === sent[0]![b - offset + i]);
      const zero = received[0]!.subarray(b, b + BS).every((v) => v === 0);
      assert.ok(same || zero, `block at ${b} is neither the sent audio nor silence`);
      if (same) played++;
      else silent++;
    }
    assert.equal(silent, dropped);
    assert.ok(played > 0.8 * (played + silent), `${played} played, ${silent} concealed`);
    assert.ok(!events.some((e) => e.type === 'StreamState' && e.state === 'inactive'), 'the stream stalled');
  });

  it('OSC /data and OSC resend requests, 5 % loss, 2 KiB blocks split into 5 frames each: bit-identical audio', () => {
    const link = new Link(seededRandom(10), { loss: 0.05, delay: 0.002, jitter: 0.01 });
    const { session } = streamSession(10, link, { latency: 0.1, binary: false }, { binary: false, format: { ...pcmFormat(2), blockSize: 256 } });
    session.run(10);
    const { sent } = session.sources[0]!;
    const { received, events } = session.sinks[0]!;
    assert.equal(events.filter((e) => e.type === 'BlockDrop').length, 0);
    assert.ok(events.some((e) => e.type === 'BlockResend'));
    const offset = findOffset(sent[0]!, received[0]!);
    assert.ok(offset > 0);
    assertBitIdentical(sent[0]!, received[0]!, offset, session.tickCount * BS - offset);
    assertBitIdentical(sent[1]!, received[1]!, offset, session.tickCount * BS - offset);
  });
});
