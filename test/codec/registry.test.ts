import { strict as assert } from 'node:assert';
import {
  codecByName,
  codecNames,
  describeFormat,
  OpusApplication,
  opusExtension,
  PcmBitDepth,
  pcmExtension,
} from '../../src/codec/registry.ts';

describe('codec/registry', () => {
  it('finds pcm, opus and null by their exact wire names', () => {
    assert.deepEqual(codecNames().sort(), ['null', 'opus', 'pcm']);
    for (const name of ['pcm', 'opus', 'null']) assert.equal(codecByName(name)?.name, name);
    for (const name of ['PCM', 'Opus', '', 'flac', 'pcm ']) assert.equal(codecByName(name), undefined);
  });

  it('builds the extension blobs as 4-byte big-endian ints', () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    assert.equal(hex(pcmExtension(PcmBitDepth.int8)), '00000000');
    assert.equal(hex(pcmExtension(PcmBitDepth.int16)), '00000001');
    assert.equal(hex(pcmExtension(PcmBitDepth.float64)), '00000004');
    assert.equal(hex(opusExtension(OpusApplication.voip)), '00000800');
    assert.equal(hex(opusExtension(OpusApplication.audio)), '00000801');
    assert.equal(hex(opusExtension(OpusApplication.lowdelay)), '00000803');
  });

  it('describes formats the way the codecs will read them', () => {
    const f = { channels: 2, sampleRate: 48000, blockSize: 64 };
    assert.equal(describeFormat({ ...f, codec: 'pcm', extension: pcmExtension(PcmBitDepth.float32) }), 'pcm 2ch 48000Hz 64 float32');
    assert.equal(describeFormat({ ...f, codec: 'pcm', extension: pcmExtension(PcmBitDepth.int24) }), 'pcm 2ch 48000Hz 64 int24');
    assert.equal(describeFormat({ ...f, codec: 'pcm', extension: new Uint8Array(0) }), 'pcm 2ch 48000Hz 64 float32');
    assert.equal(
      describeFormat({ ...f, codec: 'opus', blockSize: 480, extension: opusExtension(OpusApplication.lowdelay) }),
      'opus 2ch 48000Hz 480 restricted_lowdelay',
    );
    assert.equal(describeFormat({ ...f, codec: 'opus', extension: Uint8Array.of(1) }), 'opus 2ch 48000Hz 64 audio');
    assert.equal(describeFormat({ ...f, codec: 'null', extension: new Uint8Array(0) }), 'null 2ch 48000Hz 64');
    assert.equal(describeFormat({ ...f, codec: 'flac', extension: Uint8Array.of(1, 2) }), 'flac 2ch 48000Hz 64 (2-byte extension)');
  });

  it('creates working coders through the registry', () => {
    const pcm = codecByName('pcm')!;
    const format = pcm.validate({ codec: 'pcm', channels: 1, sampleRate: 48000, blockSize: 2, extension: pcmExtension(PcmBitDepth.int16) });
    const out = new Uint8Array(4);
    assert.equal(pcm.createEncoder(format).encode(Float32Array.of(0.5, -1), out, 0), 4);
    assert.equal(Buffer.from(out).toString('hex'), '40008001');
  });
});
