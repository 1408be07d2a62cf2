import { strict as assert } from 'node:assert';
import { type AooMessage, decodeAoo } from '../../src/protocol/aoo/messages.ts';
import { SinkPacketDecoder } from '../../src/protocol/aoo/sink/packet-decoder.ts';
import { hex, readVector, vectorFiles } from '../support/vectors.ts';

/** A message with a `/data` frame's payload as its bytes (the decoders point into different buffers). */
function comparable(m: AooMessage): object {
  if (m.kind !== 'sink/data') return m;
  const { payload, payloadOffset, payloadSize, ...fields } = m;
  return { ...fields, payload: hex(payload.subarray(payloadOffset, payloadOffset + payloadSize)) };
}

const streamVectors = vectorFiles((n) => n.startsWith('ref-source-sink-') || (n.startsWith('live-') && n.endsWith('.wire.txt')));

describe('SinkPacketDecoder', () => {
  it('decodes every source → sink packet of the golden vectors as decodeAoo does (binary, OSC, long IDs, Opus)', () => {
    const decoder = new SinkPacketDecoder();
    let binaryData = 0;
    for (const name of streamVectors) {
      for (const p of readVector(name).packets) {
        const whole = decodeAoo(p.bytes);
        const m = decoder.decode(p.bytes);
        if (!whole.ok) {
          assert.equal(m, null, `${name} #${p.index}`);
          continue;
        }
        assert.ok(m !== null, `${name} #${p.index}`);
        assert.deepEqual(comparable(m), comparable(whole.value), `${name} #${p.index} (${whole.value.kind})`);
        if (m.kind === 'sink/data' && m.form === 'binary') binaryData++;
      }
    }
    assert.ok(binaryData > 20, `binary /data packets seen: ${binaryData}`);
  });

  it('reuses one frame for binary /data, and returns null for a truncated one or a foreign datagram', () => {
    const decoder = new SinkPacketDecoder();
    const data = readVector('ref-source-sink-pcm-binary.txt').packets.map((p) => p.bytes).filter((b) => decodeAoo(b).ok && b[0] === 0x81 && b[1] === 0);
    assert.ok(data.length >= 2);
    const first = decoder.decode(data[0]!);
    assert.equal(decoder.decode(data[1]!), first, 'the same frame object');
    assert.equal(decoder.decode(data[0]!.subarray(0, 10)), null);
    assert.equal(decoder.decode(new Uint8Array([1, 2, 3])), null);
  });
});
