import { strict as assert } from 'node:assert';
import type { ReceivedMessage } from '../../../src/net/client/message-assembly.ts';
import { splitMessage } from '../../../src/net/client/message-frames.ts';
import { ReliableReceiver } from '../../../src/net/client/reliable-receiver.ts';
import { ReliableSender } from '../../../src/net/client/reliable-sender.ts';
import { UnreliableReceiver } from '../../../src/net/client/unreliable-receiver.ts';
import { DataType } from '../../../src/protocol/aoo/constants.ts';
import type { PeerMessageFrame } from '../../../src/protocol/aoo/peer/msg.ts';

const text = (s: string) => new TextEncoder().encode(s);

function frames(sequence: number, body: string, maxFrame = 1000, reliable = true): PeerMessageFrame[] {
  return splitMessage({ form: 'binary', groupId: 0, senderId: 1, reliable, sequence, timestamp: null, data: { type: DataType.Text, bytes: text(body) } }, maxFrame);
}

/** Resend times of a sender from `start` until `end`, with the frame indices resent each time. */
function resends(sender: ReliableSender, end: number): [number, number[]][] {
  const out: [number, number[]][] = [];
  for (let t = sender.nextWakeup(); t <= end; t = sender.nextWakeup()) {
    const sent: number[] = [];
    sender.resend(t, (f) => sent.push(f.frames?.index ?? 0));
    out.push([Number(t.toFixed(6)), sent]);
  }
  return out;
}

describe('client: reliable peer messages (spec §11.8)', () => {
  it('resends after max(2 × RTT, 20 ms), doubling up to 1 s, only the frames not acknowledged', () => {
    const sender = new ReliableSender();
    const msg = frames(sender.takeSequence(), 'abcdefghij', 4);
    sender.track(msg, 0, 0.005);
    assert.deepEqual(resends(sender, 0.2), [
      [0.02, [0, 1, 2]],
      [0.06, [0, 1, 2]],
      [0.14, [0, 1, 2]],
    ]);
    sender.ack(0, 1);
    sender.ack(0, 1);
    sender.ack(0, 7);
    assert.deepEqual(resends(sender, 3.3), [
      [0.3, [0, 2]],
      [0.62, [0, 2]],
      [1.26, [0, 2]],
      [2.26, [0, 2]],
      [3.26, [0, 2]],
    ]);
    sender.ack(0, 0);
    assert.equal(sender.pending, 1);
    sender.ack(0, 2);
    assert.equal(sender.pending, 0);
    assert.equal(sender.nextWakeup(), Infinity);
  });

  it('a negative frame index acknowledges the whole message; a long RTT starts later but never beyond 1 s', () => {
    const sender = new ReliableSender();
    sender.track(frames(sender.takeSequence(), 'x'), 10, 0.1);
    sender.track(frames(sender.takeSequence(), 'y'), 10, 30);
    assert.equal(sender.nextWakeup(), 10.2);
    sender.ack(0, -1);
    assert.equal(sender.nextWakeup(), 11);
  });

  it('delivers each message once and in order, whatever the order, duplicates and old frames', () => {
    const r = new ReliableReceiver();
    const got: string[] = [];
    const deliver = (m: ReceivedMessage) => got.push(new TextDecoder().decode(m.bytes));
    const [a0, a1] = frames(0, 'first message', 8);
    const [b] = frames(1, 'second');
    const [c0, c1] = frames(2, 'third message', 8);
    for (const f of [c1!, b!, a1!, b!, c0!]) assert.equal(r.receive(f, deliver), null);
    assert.deepEqual(got, []);
    assert.equal(r.receive(a0!, deliver), null);
    assert.deepEqual(got, ['first message', 'second', 'third message']);
    for (const f of [a0!, b!, c1!]) assert.equal(r.receive(f, deliver), null, 'old frames are acknowledged again');
    assert.equal(got.length, 3);
  });

  it('refuses (does not acknowledge) messages too far ahead, and messages beyond the buffer budget', () => {
    const r = new ReliableReceiver();
    const deliver = () => assert.fail('nothing is deliverable');
    assert.match(r.receive(frames(1024, 'far')[0]!, deliver) ?? '', /ahead/);
    const big = (seq: number): PeerMessageFrame => ({ ...frames(seq, 'x')[0]!, totalSize: 1 << 20, frames: { count: 256, index: 1 } });
    for (let seq = 1; seq <= 4; seq++) assert.equal(r.receive(big(seq), deliver), null);
    assert.match(r.receive(big(5), deliver) ?? '', /buffered bytes/);
  });

  it('unreliable: single frames at once (even reordered), split messages in one slot that a newer message takes over', () => {
    const r = new UnreliableReceiver();
    const got: string[] = [];
    const deliver = (m: ReceivedMessage) => got.push(new TextDecoder().decode(m.bytes));
    const [x] = frames(5, 'five', 1000, false);
    const [y] = frames(4, 'four', 1000, false);
    const [p0, p1] = frames(6, 'six is split', 8, false);
    const [q0, q1] = frames(7, 'seven is split', 8, false);
    r.receive(x!, deliver);
    r.receive(y!, deliver);
    r.receive(p0!, deliver);
    r.receive(q1!, deliver); // message 7 takes the slot: message 6 is abandoned
    r.receive(p1!, deliver); // a straggler of 6
    r.receive(q0!, deliver);
    assert.deepEqual(got, ['five', 'four', 'seven is split']);
  });
});
