import { strict as assert } from 'node:assert';
import { describePacket } from '../../src/protocol/aoo/describe.ts';
import { decodeAoo, encodeAooToBytes } from '../../src/protocol/aoo/messages.ts';
import { decodeStreamMessages } from '../../src/protocol/aoo/stream-messages.ts';
import { hex, readVector, vectorFiles } from '../support/vectors.ts';

/**
 * The ref-* hexdumps stop after 160 bytes, so a longer datagram appears cut there. Such a dump
 * is completed with zeros: its fields must decode, and re-encoding must give the bytes shown.
 */
const DUMP_LIMIT = 160;
function completeTruncatedDump(captured: Uint8Array): { bytes: Uint8Array; shown: number } {
  if (captured.length !== DUMP_LIMIT || decodeAoo(captured).ok) return { bytes: captured, shown: captured.length };
  const bytes = new Uint8Array(4096);
  bytes.set(captured);
  return { bytes, shown: DUMP_LIMIT };
}

const streamVectors = vectorFiles((n) => n.startsWith('ref-source-sink-') || (n.startsWith('live-') && n.endsWith('.wire.txt')));

describe('golden vectors: source <-> sink', () => {
  it('covers every source/sink capture', () => {
    assert.equal(streamVectors.length, 8);
  });

  for (const name of streamVectors) {
    it(`${name}: every packet decodes and re-encodes byte-identically`, () => {
      const capture = readVector(name);
      assert.ok(capture.packets.length > 0);
      for (const p of capture.packets) {
        const { bytes, shown } = completeTruncatedDump(p.bytes);
        const m = decodeAoo(bytes);
        assert.ok(m.ok, `${name} #${p.index} (${p.label}): ${m.ok ? '' : m.error.detail}`);
        const again = encodeAooToBytes(m.value);
        assert.ok(again.ok, `${name} #${p.index}: re-encode failed`);
        assert.equal(hex(again.value.subarray(0, shown)), hex(p.bytes), `${name} #${p.index} (${m.value.kind})`);
        if (shown === bytes.length) assert.equal(again.value.length, shown);
      }
    });
  }

  for (const name of streamVectors.filter((n) => n.startsWith('live-'))) {
    it(`${name}: decoded fields equal the ones the capture shows`, () => {
      const capture = readVector(name);
      for (const p of capture.packets) {
        assert.equal(describePacket(p.bytes), p.summary, `${name} #${p.index}`);
      }
    });
  }

  it('ref-source-sink-pcm-binary.txt: /start, 2-frame data, stream message and xrun fields are as spec §14', () => {
    const packets = readVector('ref-source-sink-pcm-binary.txt').packets.map((p) => decodeAoo(completeTruncatedDump(p.bytes).bytes));
    const start = packets[0];
    assert.ok(start?.ok && start.value.kind === 'sink/start');
    assert.equal(start.value.sinkId, 2);
    assert.equal(start.value.sourceId, 1);
    assert.equal(start.value.version, '2.0-test4');
    assert.deepEqual({ ...start.value.format, extension: [...start.value.format.extension] }, {
      codec: 'pcm',
      channels: 2,
      sampleRate: 48000,
      blockSize: 64,
      extension: [0, 0, 0, 3],
    });
    assert.equal(start.value.startTime, 0xe875470000000000n);
    assert.deepEqual(start.value.metadata && [start.value.metadata.type, Buffer.from(start.value.metadata.bytes).toString()], [1, 'hello']);
    assert.equal(start.value.offset, 0);

    const data = packets.filter((r) => r.ok && r.value.kind === 'sink/data').map((r) => (r.ok && r.value.kind === 'sink/data' ? r.value : undefined)!);
    const first = data[0]!;
    assert.deepEqual([first.sequence, first.frameCount, first.frameIndex, first.totalSize, first.payloadSize, first.timestamp], [0, 2, 0, 512, 460, 0xe875470000000000n]);
    const view = new DataView(first.payload.buffer, first.payload.byteOffset + first.payloadOffset);
    assert.deepEqual([view.getFloat32(0), view.getFloat32(4)], [0.5, -0.25]);

    const withMessage = data.find((d) => d.messageSize > 0 && d.frameIndex === 0)!;
    const msgs = decodeStreamMessages(withMessage.payload, withMessage.payloadOffset, withMessage.messageSize);
    assert.ok(Array.isArray(msgs));
    assert.deepEqual(
      msgs.map((m) => [m.channel, m.type, Buffer.from(m.data).toString()]),
      [[1, 1, 'msg!']],
    );
  });
});
