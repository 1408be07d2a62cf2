import { strict as assert } from 'node:assert';
import { MessageAssembly } from '../../../src/net/client/message-assembly.ts';
import { type OutgoingPeerMessage, maxFramePayload, splitMessage } from '../../../src/net/client/message-frames.ts';
import { DataType } from '../../../src/protocol/aoo/constants.ts';
import { encodeAooToBytes } from '../../../src/protocol/aoo/messages.ts';
import type { PeerMessageFrame } from '../../../src/protocol/aoo/peer/msg.ts';
import { hex } from '../../support/vectors.ts';
import { capturedUdp } from './support/vectors.ts';

const PEERS = 'ref-client-server-peers-udp.txt';
/** The 1000-byte text of the captures: the alphabet over and over. */
const alphabet = Uint8Array.from({ length: 1000 }, (_, i) => 0x61 + (i % 26));

function message(form: 'binary' | 'osc', reliable: boolean, sequence: number): OutgoingPeerMessage {
  return { form, groupId: 0, senderId: 0, reliable, sequence, timestamp: null, data: { type: DataType.Text, bytes: alphabet } };
}

function encoded(f: PeerMessageFrame): string {
  const r = encodeAooToBytes(f);
  assert.ok(r.ok);
  return hex(r.value);
}

function assemble(frames: readonly PeerMessageFrame[]): MessageAssembly {
  const [first, ...rest] = frames;
  assert.ok(first);
  const a = MessageAssembly.start(first);
  assert.ok(a instanceof MessageAssembly, String(a));
  for (const f of rest) assert.equal(a.add(f), null);
  return a;
}

describe('client: splitting and reassembling peer messages (spec §11.8)', () => {
  it('1000 bytes, binary unreliable (sequence 2): 472/472/56 frames, byte-identical to the reference (UDP #28–30)', () => {
    const frames = splitMessage(message('binary', false, 2), maxFramePayload(512, 'binary'));
    assert.deepEqual(frames.map((f) => f.payload.length), [472, 472, 56]);
    assert.deepEqual(frames.map(encoded), [28, 29, 30].map((n) => hex(capturedUdp(PEERS, n))));
  });

  it('1000 bytes, OSC reliable (sequence 2): 426/426/148 frames, byte-identical to the reference (UDP #22–24)', () => {
    const frames = splitMessage(message('osc', true, 2), maxFramePayload(512, 'osc'));
    assert.deepEqual(frames.map(encoded), [22, 23, 24].map((n) => hex(capturedUdp(PEERS, n))));
  });

  it('a short message is one frame without frame fields', () => {
    const frames = splitMessage({ ...message('binary', false, 0), data: { type: DataType.Text, bytes: new TextEncoder().encode('hello peer') } }, 472);
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.frames, null);
    assert.equal(encoded(frames[0]!), hex(capturedUdp(PEERS, 16)));
  });

  it('reassembles frames in any order, duplicates included', () => {
    const frames = splitMessage(message('binary', true, 7), 100);
    assert.equal(frames.length, 10);
    const shuffled = [frames[9]!, frames[3]!, frames[3]!, frames[0]!, ...frames.slice(4, 9), frames[1]!, frames[9]!, frames[2]!];
    const a = MessageAssembly.start(shuffled[0]!);
    assert.ok(a instanceof MessageAssembly);
    for (const f of shuffled.slice(1, -1)) {
      assert.equal(a.complete, false);
      assert.equal(a.add(f), null);
    }
    assert.equal(a.complete, false);
    assert.equal(a.add(shuffled.at(-1)!), null);
    assert.equal(a.complete, true);
    assert.deepEqual(a.message().bytes, alphabet);
  });

  it("puts a reference-style resent last frame (one frame early, two frames' bytes) right-aligned (spec §13 #9)", () => {
    const [f0, f1] = splitMessage(message('binary', true, 0), 472);
    const resentLast: PeerMessageFrame = { ...f1!, frames: { count: 3, index: 2 }, payload: alphabet.subarray(472) };
    assert.deepEqual(assemble([f0!, resentLast]).message().bytes.subarray(0, 472), alphabet.subarray(0, 472));
    const a = assemble([f0!, resentLast, f1!]);
    assert.equal(a.complete, true);
    assert.deepEqual(a.message().bytes, alphabet);
  });

  it('refuses frames that contradict the first one or lie outside the message, and absurd sizes', () => {
    const [f0, f1] = splitMessage(message('binary', true, 0), 472);
    const a = MessageAssembly.start(f0!);
    assert.ok(a instanceof MessageAssembly);
    assert.match(a.add({ ...f1!, totalSize: 999 }) ?? '', /contradicts/);
    assert.match(a.add({ ...f1!, frames: { count: 4, index: 1 } }) ?? '', /contradicts/);
    assert.match(a.add({ ...f1!, frames: { count: 3, index: 1 }, payload: new Uint8Array(600) }) ?? '', /outside/);
    assert.match(String(MessageAssembly.start({ ...f0!, frames: { count: 100000, index: 0 } })), /frames/);
    assert.match(String(MessageAssembly.start({ ...f0!, totalSize: 2 ** 31 - 1 })), /bytes in 3 frames/);
  });
});
