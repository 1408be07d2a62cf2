import { strict as assert } from 'node:assert';
import { OpusApplication, opusCodec, opusExtension } from '../../src/codec/opus.ts';
import { parseSelfDelimited } from '../../src/codec/opus-packet.ts';
import { fitSine, zeroCrossingFrequency } from '../support/signal.ts';
import { audioBlocks } from './wire-blocks.ts';

// live-opus.wire.txt: the reference streams 2 channels (440 Hz and 660 Hz sines, amplitude 0.5)
// at 48 kHz in 120-sample Opus blocks (application AUDIO): real multistream payloads.
describe('codec/opus against the reference capture', () => {
  const format = { codec: 'opus', channels: 2, sampleRate: 48000, blockSize: 120, extension: opusExtension(OpusApplication.audio) };
  const blocks = audioBlocks('live-opus.wire.txt');

  it('finds 1200 consecutive blocks, each two CELT 2.5 ms packets with the first self-delimited', () => {
    assert.equal(blocks.length, 1200);
    const layout = { sizeAt: 0, sizeBytes: 0, end: 0, frames: 0 };
    blocks.forEach(({ sequence, audio }, i) => {
      assert.equal(sequence, i);
      assert.equal(audio[0], 0xe0);
      assert.ok(parseSelfDelimited(audio, 0, audio.length, layout), `block ${i}`);
      assert.equal(audio[layout.end], 0xe0, `block ${i}`);
    });
  });

  it('decodes every block to a 440 Hz left and a 660 Hz right channel of amplitude 0.5', () => {
    const dec = opusCodec.createDecoder(format);
    const out = new Float32Array(240);
    const left: number[] = [];
    const right: number[] = [];
    for (const { audio } of blocks) {
      assert.equal(dec.decode(audio, 0, audio.length, out), true);
      left.push(...out.subarray(0, 120));
      right.push(...out.subarray(120));
    }
    // skip the first 100 ms (start-up), analyse the rest (2.4 s)
    for (const [samples, f] of [[left.slice(4800), 440], [right.slice(4800), 660]] as const) {
      const freq = zeroCrossingFrequency(samples, 48000);
      assert.ok(Math.abs(freq - f) < 0.05, `${f} Hz channel measured ${freq}`);
      const { amplitude, snrDb } = fitSine(samples, f, 48000);
      assert.ok(Math.abs(amplitude - 0.5) < 0.02, `${f} Hz amplitude ${amplitude}`);
      assert.ok(snrDb > 30, `${f} Hz SNR ${snrDb.toFixed(1)} dB`); // the reference measured 33–37 dB
    }
  });

  it('decodes the very first block (stream messages before the audio, near-empty packets)', () => {
    const first = blocks[0]!;
    assert.equal(Buffer.from(first.audio).toString('hex'), 'e002fffee0fffe');
    const dec = opusCodec.createDecoder(format);
    const out = new Float32Array(240).fill(Number.NaN);
    assert.equal(dec.decode(first.audio, 0, first.audio.length, out), true);
    assert.ok(out.every((v) => Math.abs(v) < 0.05));
  });
});
