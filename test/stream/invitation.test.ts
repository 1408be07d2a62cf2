import { strict as assert } from 'node:assert';
import type { SourceEvent } from '../../src/stream/events.ts';
import type { Source } from '../../src/stream/source.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, Session, fillNoise } from './harness.ts';
import { BS, SR, makeSink, makeSource, sourceAt } from './setup.ts';

const SOURCE = sourceAt(1, 9001);
const SINK = sourceAt(2, 9000);

function invitationSession(answer: (source: Source, e: SourceEvent) => void) {
  const session = new Session(new Link(seededRandom(9), { delay: 0.003 }), BS, SR, 4000);
  const source = makeSource(SOURCE.id, 2, 51);
  const sink = makeSink(SINK.id, 2, 52);
  const r = seededRandom(53);
  session.addSource(source, SOURCE, (b) => fillNoise(b, r));
  session.addSink(sink, SINK, 2);
  source.startStream();
  const run = (seconds: number): void => {
    for (let i = 0; i < (seconds * SR) / BS; i++) {
      const before = session.sourceEvents.length;
      session.tick();
      for (const e of session.sourceEvents.slice(before)) answer(source, e);
    }
  };
  return { session, source, sink, run };
}

const sinkEventTypes = (s: Session) => s.sinks[0]!.events.map((e) => (e.type === 'StreamState' ? `StreamState(${e.state})` : e.type)).filter((t) => t !== 'SourcePing' && t !== 'StreamTime');

describe('stream: invitations', () => {
  it('invite → accept → stream; uninvite → accept → stop', () => {
    const { session, sink, run } = invitationSession((source, e) => {
      if (e.type === 'Invite') source.handleInvite(e.endpoint, e.token, true);
      if (e.type === 'Uninvite') source.handleUninvite(e.endpoint, e.token, true);
    });
    run(0.1);
    sink.inviteSource(SOURCE);
    run(0.5);
    assert.deepEqual(
      session.sourceEvents.filter((e) => e.type !== 'SinkPing').map((e) => e.type),
      ['SinkAdd', 'Invite'],
    );
    assert.ok(session.sinks[0]!.received[0]!.some((v) => v !== 0), 'no audio after the invitation');
    assert.ok(sink.uninviteSource(SOURCE));
    run(0.5);
    assert.deepEqual(sinkEventTypes(session), [
      'SourceAdd',
      'FormatChange',
      'StreamStart',
      'StreamState(buffering)',
      'StreamLatency',
      'StreamState(active)',
      'StreamState(inactive)',
      'StreamStop',
    ]);
    assert.ok(session.sourceEvents.some((e) => e.type === 'Uninvite'));
  });

  it('a declined invitation gives InviteDecline', () => {
    const { session, sink, run } = invitationSession((source, e) => {
      if (e.type === 'Invite') source.handleInvite(e.endpoint, e.token, false);
    });
    run(0.05);
    sink.inviteSource(SOURCE);
    run(0.5);
    assert.deepEqual(sinkEventTypes(session), ['InviteDecline']);
    assert.equal(session.sourceEvents.filter((e) => e.type === 'Invite').length, 1, 'repeated /invite must not repeat the event');
  });

  it('an unanswered invitation times out after the invite timeout', () => {
    const { session, sink, run } = invitationSession(() => {});
    run(0.05);
    sink.inviteSource(SOURCE);
    run(0.9);
    assert.deepEqual(sinkEventTypes(session), []);
    run(0.2);
    assert.deepEqual(sinkEventTypes(session), ['InviteTimeout']);
    assert.ok(session.link.sent > 9, 'the invitation is repeated every 0.1 s');
  });

  it('an ignored uninvitation times out while the stream goes on', () => {
    const { session, source, sink, run } = invitationSession(() => {});
    source.addSink(SINK);
    run(0.5);
    assert.ok(sink.uninviteSource(SOURCE));
    run(1.1);
    assert.ok(sinkEventTypes(session).includes('UninviteTimeout'));
    assert.equal(session.sourceEvents.filter((e) => e.type === 'Uninvite').length, 1);
  });
});
