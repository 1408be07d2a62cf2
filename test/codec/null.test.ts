import { strict as assert } from 'node:assert';
import { nullCodec } from '../../src/codec/null.ts';

describe('codec/null', () => {
  const format = { codec: 'null', channels: 2, sampleRate: 48000, blockSize: 4, extension: Uint8Array.of(1, 2) };

  it('validates like PCM and always has an empty extension', () => {
    assert.deepEqual(nullCodec.validate(format), { ...format, extension: new Uint8Array(0) });
    const bad = nullCodec.validate({ ...format, channels: 256, sampleRate: 0, blockSize: -1 });
    assert.deepEqual([bad.channels, bad.sampleRate, bad.blockSize], [1, 44100, 64]);
  });

  it('encodes every block to 0 bytes without touching the output', () => {
    const enc = nullCodec.createEncoder(format);
    assert.equal(enc.delay, 0);
    assert.equal(enc.maxBlockBytes, 0);
    const out = new Uint8Array(4).fill(9);
    assert.equal(enc.encode(Float32Array.of(1, 1, 1, 1, 1, 1, 1, 1), out, 0), 0);
    assert.deepEqual(Array.from(out), [9, 9, 9, 9]);
    assert.equal(typeof enc.setOption('bitrate', 1), 'string');
  });

  it('decodes and conceals to silence', () => {
    const dec = nullCodec.createDecoder(format);
    const out = new Float32Array(8).fill(1);
    assert.equal(dec.decode(new Uint8Array(0), 0, 0, out), true);
    assert.deepEqual(Array.from(out), new Array(8).fill(0));
    out.fill(1);
    dec.conceal(out);
    assert.deepEqual(Array.from(out), new Array(8).fill(0));
  });
});
