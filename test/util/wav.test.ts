import { strict as assert } from 'node:assert';
import { decodeWav, encodeWav } from '../../src/util/wav.ts';

describe('wav', () => {
  const left = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) * 0.9);
  const right = Float32Array.from({ length: 1000 }, (_, i) => (i % 7) / 7 - 0.5);

  it('float32 round-trips bit-exactly', () => {
    const back = decodeWav(encodeWav({ sampleRate: 48000, channels: [left, right] }));
    assert.ok(typeof back !== 'string');
    assert.equal(back.sampleRate, 48000);
    assert.deepEqual(back.channels, [left, right]);
  });

  it('int16 round-trips within one quantisation step', () => {
    const back = decodeWav(encodeWav({ sampleRate: 44100, channels: [left] }, 'int16'));
    assert.ok(typeof back !== 'string');
    for (let i = 0; i < left.length; i++) assert.ok(Math.abs(back.channels[0]![i]! - left[i]!) <= 0.5 / 32768 + 1e-9);
  });

  it('rejects what is not a WAV file with a reason', () => {
    assert.equal(decodeWav(new TextEncoder().encode('hello, world')), 'not a RIFF/WAVE file');
    const truncated = encodeWav({ sampleRate: 48000, channels: [left] }).subarray(0, 30);
    assert.equal(typeof decodeWav(truncated), 'string');
  });
});
