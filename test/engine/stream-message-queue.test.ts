import { strict as assert } from 'node:assert';
import { StreamMessageQueue } from '../../src/engine/stream-message-queue.ts';

const text = (s: string) => ({ channel: 0, type: 1, data: new TextEncoder().encode(s) });
const summary = (q: StreamMessageQueue, tick: number) => q.due(tick).map((m) => `${new TextDecoder().decode(m.data)}@${m.sampleOffset}`);

describe('engine stream-message queue', () => {
  it('places a message on the block and sample after the host tick it was stamped with', () => {
    const q = new StreamMessageQueue(64, () => {});
    q.add(10, 5, text('a'));
    q.add(10, 70.9, text('b'));
    assert.deepEqual(summary(q, 10), []);
    assert.deepEqual(summary(q, 11), ['a@5']);
    assert.deepEqual(summary(q, 12), ['b@6']);
    assert.deepEqual(summary(q, 13), []);
  });

  it('sends a message whose block has passed, or that is implausibly far ahead, at the start of the next block', () => {
    const q = new StreamMessageQueue(64, () => {});
    q.add(10, 5, text('late'));
    q.add(10, 64 * 200, text('far'));
    q.add(10, 64 * 3 + 1, text('soon'));
    assert.deepEqual(summary(q, 12), ['late@0', 'far@0']);
    assert.deepEqual(summary(q, 14), ['soon@1']);
  });

  it('refuses messages beyond 4096 waiting (DSP off), with one error each', () => {
    const errors: string[] = [];
    const q = new StreamMessageQueue(64, (e) => errors.push(e));
    for (let i = 0; i < 4098; i++) q.add(0, 0, text('x'));
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /4096 stream messages are waiting for audio blocks \(is DSP on\?\) so this one is dropped/);
    assert.equal(q.due(1).length, 4096);
  });
});
