import { strict as assert } from 'node:assert';
import type { AooMessage } from '../../src/protocol/aoo/messages.ts';
import type { SinkEvent, SourceEvent } from '../../src/stream/events.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, type Session, findOffset } from './harness.ts';
import { BS, SR, noiseStream } from './setup.ts';
import { WireLog } from './wire-log.ts';

/** Every sample from the start of playout on equals the sent one. */
function assertBitIdentical(session: Session): void {
  const { sent } = session.sources[0]!;
  const { received } = session.sinks[0]!;
  const offset = findOffset(sent[0]!, received[0]!);
  assert.ok(offset > 0, 'the sent audio never plays');
  for (let c = 0; c < sent.length; c++) {
    for (let k = 0; k + offset < session.tickCount * BS; k++) if (received[c]![offset + k] !== sent[c]![k]) assert.fail(`channel ${c} sample ${k}`);
  }
}

/** Ticks between pings of an interval: the first tick at least `seconds` later (one more for rounding of the times). */
const pingTicks = (seconds: number) => [Math.ceil((seconds * SR) / BS), Math.ceil((seconds * SR) / BS) + 1];

const count = <E extends { type: string }>(events: readonly E[], type: string) =>
  events.reduce((n, e) => n + (e.type === type ? ('count' in e && typeof e.count === 'number' ? e.count : 1) : 0), 0);

describe('stream: source settings changed while streaming', () => {
  it('packet size: blocks encoded after the change go out in frames of the new size; a resend of an older block keeps its frames', () => {
    // PCM float32 stereo, 64 frames: 512-byte blocks, 2 frames at 512 bytes per packet
    let lost = false;
    const drop = (m: AooMessage) => {
      if (lost || m.kind !== 'sink/data' || m.sequence !== 199 || m.frameIndex !== 1) return false;
      return (lost = true);
    };
    const link = new Link(seededRandom(91), { drop });
    const { session, source } = noiseStream(link, 1, { channels: 2, seed: 92 });
    const wire = new WireLog(link);
    session.run(200 / (SR / BS));
    assert.equal(source.setPacketSize(1024), null);
    session.run(0.5);
    const frames = wire.of('sink/data').map(({ msg }) => msg);
    assert.ok(frames.filter((f) => f.sequence < 199).every((f) => f.frameCount === 2));
    assert.ok(frames.filter((f) => f.sequence >= 200).every((f) => f.frameCount === 1 && f.payloadSize === 512));
    assert.ok(frames.some((f) => f.sequence > 500));
    const resent = frames.filter((f) => f.sequence === 199 && f.frameIndex === 1);
    assert.deepEqual(
      resent.map((f) => [f.frameCount, f.payloadSize]),
      [[2, 52]],
    );
    assert.equal(count(session.sinks[0]!.events, 'BlockResend'), 1);
    assertBitIdentical(session);
  });

  it('ping interval: pings follow the new spacing, none at 0', () => {
    const { session, source } = noiseStream(new Link(seededRandom(93)), 4, { seed: 94 });
    const wire = new WireLog(session.link);
    session.run(2.2);
    assert.equal(source.setPingInterval(0.25), null);
    session.run(1);
    assert.equal(source.setPingInterval(0), null);
    session.run(0.5);
    const changed = Math.round((2.2 * SR) / BS);
    const stopped = Math.round((3.2 * SR) / BS);
    for (const gap of wire.spacing('sink/ping', 0, changed)) assert.ok(pingTicks(1).includes(gap), `gap ${gap} at 1 s`);
    const fast = wire.spacing('sink/ping', changed, stopped);
    assert.ok(fast.length >= 3);
    for (const gap of fast) assert.ok(pingTicks(0.25).includes(gap), `gap ${gap} at 0.25 s`);
    assert.equal(wire.of('sink/ping', stopped).length, 0);
  });

  it('resend buffer size: 0 leaves requests unanswered (blocks drop), a size again answers them', () => {
    const link = new Link(seededRandom(95), { loss: 0.05, delay: 0.002, jitter: 0.01 });
    const { session, source } = noiseStream(link, 6, { channels: 2, seed: 96 });
    const phases: { source: SourceEvent[]; sink: SinkEvent[] }[] = [];
    const phase = (seconds: number) => {
      const [a, b] = [session.sourceEvents.length, session.sinks[0]!.events.length];
      session.run(seconds);
      phases.push({ source: session.sourceEvents.slice(a), sink: session.sinks[0]!.events.slice(b) });
    };
    phase(2);
    assert.equal(source.setResendBufferSeconds(0), null);
    phase(2);
    assert.equal(source.setResendBufferSeconds(0.5), null);
    phase(0.2); // blocks requested before this change are gone
    phase(1.8);
    const [kept, off, , back] = phases.map((p) => ({ resent: count(p.source, 'FrameResend'), dropped: count(p.sink, 'BlockDrop') }));
    assert.ok(kept!.resent > 100 && kept!.dropped === 0, JSON.stringify(kept));
    assert.ok(off!.resent === 0 && off!.dropped > 50, JSON.stringify(off));
    assert.ok(back!.resent > 100 && back!.dropped === 0, JSON.stringify(back));
  });

  it('redundancy: every block is sent that many times from the next block on', () => {
    const link = new Link(seededRandom(97));
    const { session, source } = noiseStream(link, 0.5, { channels: 2, seed: 98 });
    const wire = new WireLog(link);
    session.run(100 / (SR / BS));
    assert.equal(source.setRedundancy(3), null);
    session.run(0.3);
    const copies = new Map<number, number>();
    for (const { msg } of wire.of('sink/data')) copies.set(msg.sequence, (copies.get(msg.sequence) ?? 0) + 1);
    assert.ok(copies.size > 300);
    for (const [sequence, n] of copies) assert.equal(n, sequence < 100 ? 2 : 6, `block ${sequence}`);
    assert.ok(!session.sinks[0]!.events.some((e) => e.type === 'BlockResend' || e.type === 'BlockDrop'));
    assertBitIdentical(session);
  });

  it('stream time interval: timestamps on the blocks of the new period, none at 0', () => {
    const link = new Link(seededRandom(99));
    const { session, source } = noiseStream(link, 3.5, { seed: 100 });
    const wire = new WireLog(link);
    session.run(1000 / (SR / BS));
    assert.equal(source.setStreamTimeInterval(0.1), null);
    session.run(1000 / (SR / BS));
    assert.equal(source.setStreamTimeInterval(0), null);
    session.run(0.5);
    const stamped = wire
      .of('sink/data')
      .filter(({ msg }) => msg.timestamp !== null)
      .map(({ msg }) => msg.sequence);
    const every75 = Array.from({ length: 13 }, (_, i) => 1050 + 75 * i); // 0.1 s = 75 blocks: 1050 … 1950
    assert.deepEqual(stamped, [0, 750, ...every75]);
  });

  it('bad values are refused with a reason and change nothing', () => {
    const link = new Link(seededRandom(101));
    const { session, source } = noiseStream(link, 0.5, { channels: 2, seed: 102 });
    const wire = new WireLog(link);
    for (const bad of [145, 4097, 600.5, Number.NaN]) assert.match(String(source.setPacketSize(bad)), /packet size must be an integer 146…4096/);
    for (const bad of [0, 17, 1.5]) assert.match(String(source.setRedundancy(bad)), /redundancy must be an integer 1…16/);
    for (const bad of [-1, Infinity]) assert.match(String(source.setPingInterval(bad)), /ping interval/);
    for (const bad of [-0.5, 61]) assert.match(String(source.setResendBufferSeconds(bad)), /resend buffer size must be 0…60 s/);
    assert.match(String(source.setStreamTimeInterval(-1)), /stream time interval/);
    session.run(0.4);
    const frames = wire.of('sink/data').map(({ msg }) => msg);
    assert.ok(frames.length > 500);
    assert.ok(frames.every((f) => f.frameCount === 2), 'packet size or redundancy changed');
    assert.deepEqual(
      frames.filter((f) => f.timestamp !== null).map((f) => f.sequence),
      [0, 0],
    );
    assert.equal(wire.of('sink/ping').length, 1);
  });
});
