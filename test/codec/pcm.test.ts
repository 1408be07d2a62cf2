import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { StreamFormat } from '../../src/codec/codec.ts';
import { PcmBitDepth, pcmCodec, pcmExtension } from '../../src/codec/pcm.ts';
import { seededRandom } from '../../src/util/random.ts';
import { audioBlocks, VECTOR_DIR } from './wire-blocks.ts';

function format(depth: number, channels = 2, blockSize = 2, extension = pcmExtension(depth as PcmBitDepth)): StreamFormat {
  return { codec: 'pcm', channels, sampleRate: 48000, blockSize, extension };
}

function encodeHex(depth: number, block: number[], channels = 2): string {
  const enc = pcmCodec.createEncoder(format(depth, channels, block.length / channels));
  const out = new Uint8Array(enc.maxBlockBytes);
  assert.equal(enc.encode(Float32Array.from(block), out, 0), enc.maxBlockBytes);
  return Buffer.from(out).toString('hex');
}

function roundTrip(depth: number, planar: Float32Array, channels: number): Float32Array {
  const fmt = format(depth, channels, planar.length / channels);
  const enc = pcmCodec.createEncoder(fmt);
  const dec = pcmCodec.createDecoder(fmt);
  const bytes = new Uint8Array(enc.maxBlockBytes);
  assert.equal(enc.encode(planar, bytes, 0), bytes.length);
  const out = new Float32Array(planar.length);
  assert.equal(dec.decode(bytes, 0, bytes.length, out), true);
  return out;
}

function randomBlock(n: number, seed: number, range = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n }, () => (2 * random() - 1) * range);
}

/** Bytes 0x20… of the hexdump of `=== <label> (…)` (a binary /data dump: the payload after the 32-byte header). */
function dumpPayload(file: string, label: string): Uint8Array {
  const lines = readFileSync(VECTOR_DIR + file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(`=== ${label} `));
  assert.ok(start >= 0, `no dump ${label}`);
  const bytes: number[] = [];
  for (let i = start + 1; i < lines.length && /^[0-9a-f]{4}: /.test(lines[i]!); i++) {
    for (const h of lines[i]!.slice(6, 54).trim().split(/\s+/)) bytes.push(Number.parseInt(h, 16));
  }
  return Uint8Array.from(bytes.slice(0x20));
}

describe('codec/pcm', () => {
  // planar L = [0.5, 1], R = [-0.25, -1] → interleaved 0.5, -0.25, 1, -1
  const stereo = [0.5, 1, -0.25, -1];

  it('encodes known values to exact big-endian interleaved bytes for every bit depth', () => {
    assert.equal(encodeHex(PcmBitDepth.int8, stereo), '40e07f81');
    assert.equal(encodeHex(PcmBitDepth.int16, stereo), '4000e0007fff8001');
    assert.equal(encodeHex(PcmBitDepth.int24, stereo), '400000e000007fffff800000');
    assert.equal(encodeHex(PcmBitDepth.float32, stereo), '3f000000be8000003f800000bf800000');
    assert.equal(
      encodeHex(PcmBitDepth.float64, stereo),
      '3fe0000000000000bfd00000000000003ff0000000000000bff0000000000000',
    );
  });

  it('rounds ties to even (rint), not up', () => {
    // -0.5·127 = -63.5 → -64 (Math.round would give -63); 0.5·32767 = 16383.5 → 16384
    assert.equal(encodeHex(PcmBitDepth.int8, [-0.5], 1), 'c0');
    assert.equal(encodeHex(PcmBitDepth.int16, [0.5, -0.5], 1), '4000c000');
    // 0.25·32767 = 8191.75 → 8192; 0.5·(2^31-1) = 1073741823.5 → 2^30 → 40 00 00
    assert.equal(encodeHex(PcmBitDepth.int16, [0.25], 1), '2000');
    assert.equal(encodeHex(PcmBitDepth.int24, [0.5, -0.5], 1), '400000c00000');
  });

  it('keeps only the top three bytes of the int32 value for int24', () => {
    // x·(2^31-1) rounds to 0x001234ff / -0x001234ff: the low byte is dropped, not rounded
    // (inputs are float32, so they must be exactly representable to pin the int32 value)
    assert.equal(encodeHex(PcmBitDepth.int24, [0x1234ff / 2 ** 31, -0x1234ff / 2 ** 31], 1), '001234ffedcb');
    assert.equal(encodeHex(PcmBitDepth.int24, [0x123401 / 2 ** 31], 1), '001234');
  });

  it('clamps out-of-range samples for the integer depths and maps NaN to 0', () => {
    const block = [2, -2, Number.NaN];
    assert.equal(encodeHex(PcmBitDepth.int8, block, 1), '7f8000');
    assert.equal(encodeHex(PcmBitDepth.int16, block, 1), '7fff80000000');
    assert.equal(encodeHex(PcmBitDepth.int24, block, 1), '7fffff800000000000');
    // floats pass through unclamped
    assert.equal(encodeHex(PcmBitDepth.float32, [2, -2], 1), '40000000c0000000');
  });

  it('decodes with the spec formulas (int8 -128 → -128/127)', () => {
    const cases: [number, string, number[]][] = [
      [PcmBitDepth.int8, '807f00c0', [-128 / 127, 1, 0, -64 / 127]],
      [PcmBitDepth.int16, '80007fff0000c000', [-32768 / 32767, 1, 0, -16384 / 32767]],
      [PcmBitDepth.int24, '8000007fffff000000c00000', [-1 - 1 / 2147483647, 0x7fffff00 / 2147483647, 0, -0.5 - 0.5 / 2147483647]],
    ];
    for (const [depth, hex, expected] of cases) {
      const dec = pcmCodec.createDecoder(format(depth, 1, 4));
      const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
      const out = new Float32Array(4);
      assert.equal(dec.decode(bytes, 0, bytes.length, out), true);
      assert.deepEqual(Array.from(out), expected.map(Math.fround), `depth ${depth}`);
    }
  });

  it('round-trips float32 and float64 exactly, planar ↔ interleaved', () => {
    const block = randomBlock(3 * 64, 1, 1.5);
    assert.deepEqual(roundTrip(PcmBitDepth.float32, block, 3), block);
    assert.deepEqual(roundTrip(PcmBitDepth.float64, block, 3), block);
  });

  it('keeps the quantisation error of int8/int16/int24 within its bound', () => {
    const block = randomBlock(2 * 256, 2);
    const bounds: [number, number][] = [
      [PcmBitDepth.int8, 0.5 / 127],
      [PcmBitDepth.int16, 0.5 / 32767],
      [PcmBitDepth.int24, 256.5 / 2147483647], // dropped low byte + rounding
    ];
    for (const [depth, bound] of bounds) {
      const out = roundTrip(depth, block, 2);
      let worst = 0;
      for (let i = 0; i < block.length; i++) worst = Math.max(worst, Math.abs(out[i]! - block[i]!));
      assert.ok(worst <= bound * 1.0001 + 1e-7, `depth ${depth}: error ${worst} > ${bound}`);
      assert.ok(worst > bound / 10, `depth ${depth}: suspiciously exact (${worst})`);
    }
  });

  it('produces the reference bytes of ref-source-sink-pcm-binary (L=0.5, R=-0.25) and decodes them', () => {
    const reference = dumpPayload('ref-source-sink-pcm-binary.txt', 'source block 0 #2');
    assert.equal(reference.length, 128);
    const block = new Float32Array(2 * 64);
    block.fill(0.5, 0, 64);
    block.fill(-0.25, 64);
    const enc = pcmCodec.createEncoder(format(PcmBitDepth.float32, 2, 64));
    const out = new Uint8Array(enc.maxBlockBytes);
    assert.equal(enc.encode(block, out, 0), 512);
    assert.deepEqual(out.subarray(0, 128), reference);
    assert.equal(Buffer.from(out.subarray(0, 8)).toString('hex'), '3f000000be800000');
  });

  it('decodes the live float32 capture to the sent 440/660 Hz sines', () => {
    const dec = pcmCodec.createDecoder(format(PcmBitDepth.float32, 2, 64));
    const out = new Float32Array(128);
    const blocks = audioBlocks('live-pcm.wire.txt'); // blocks arrive in 2 frames: exercises reassembly
    assert.equal(blocks.length, 1500);
    let worst = 0;
    for (const { sequence, audio } of blocks) {
      assert.equal(dec.decode(audio, 0, audio.length, out), true);
      for (let i = 0; i < 64; i++) {
        const t = sequence * 64 + i;
        worst = Math.max(worst, Math.abs(out[i]! - 0.5 * Math.sin((2 * Math.PI * 440 * t) / 48000)));
        worst = Math.max(worst, Math.abs(out[64 + i]! - 0.5 * Math.sin((2 * Math.PI * 660 * t) / 48000)));
      }
    }
    assert.ok(worst < 1e-7, `worst ${worst}`);
  });

  it('writes at an offset and reads from an offset inside a larger (sub)array', () => {
    const fmt = format(PcmBitDepth.int16, 2, 2);
    const enc = pcmCodec.createEncoder(fmt);
    const dec = pcmCodec.createDecoder(fmt);
    const backing = new Uint8Array(64).fill(0xaa);
    const view = backing.subarray(5, 40);
    assert.equal(enc.encode(Float32Array.from(stereo), view, 3), 8);
    assert.equal(Buffer.from(backing.subarray(8, 16)).toString('hex'), '4000e0007fff8001');
    assert.equal(backing[7], 0xaa);
    assert.equal(backing[16], 0xaa);
    const out = new Float32Array(4);
    assert.equal(dec.decode(view, 3, 8, out), true);
    assert.deepEqual(Array.from(out), [16384 / 32767, 1, -8192 / 32767, -32767 / 32767].map(Math.fround));
    // the cached DataView must follow a new buffer (float32 uses it)
    const f32 = pcmCodec.createEncoder(format(PcmBitDepth.float32, 2, 2));
    for (const target of [new Uint8Array(16), new Uint8Array(20).subarray(4)]) {
      assert.equal(f32.encode(Float32Array.from(stereo), target, 0), 16);
      assert.equal(Buffer.from(target).toString('hex'), '3f000000be8000003f800000bf800000');
    }
  });

  it('returns false for a payload shorter than a block and ignores extra bytes', () => {
    const dec = pcmCodec.createDecoder(format(PcmBitDepth.float32, 2, 2));
    const out = new Float32Array(4).fill(7);
    const bytes = Uint8Array.from(Buffer.from('3f000000be8000003f800000bf80000012345678', 'hex'));
    assert.equal(dec.decode(bytes, 0, 15, out), false);
    assert.equal(dec.decode(bytes, 8, 16, out), false); // runs past the end
    assert.deepEqual(Array.from(out), [7, 7, 7, 7]);
    assert.equal(dec.decode(bytes, 0, bytes.length, out), true);
    assert.deepEqual(Array.from(out), [0.5, 1, -0.25, -1]);
  });

  it('refuses to encode into a too-small buffer or from a too-short block', () => {
    const enc = pcmCodec.createEncoder(format(PcmBitDepth.int16, 2, 2));
    assert.equal(enc.encode(new Float32Array(4), new Uint8Array(7), 0), -1);
    assert.equal(enc.encode(new Float32Array(4), new Uint8Array(8), 1), -1);
    assert.equal(enc.encode(new Float32Array(3), new Uint8Array(8), 0), -1);
  });

  it('conceals with silence', () => {
    const dec = pcmCodec.createDecoder(format(PcmBitDepth.float32, 2, 4));
    const out = new Float32Array(8).fill(1);
    dec.conceal(out);
    assert.deepEqual(Array.from(out), new Array(8).fill(0));
  });

  it('validates the format like the reference (bit depth 0…4 only)', () => {
    const v = (f: Partial<StreamFormat>) =>
      pcmCodec.validate({ codec: 'pcm', channels: 2, sampleRate: 48000, blockSize: 64, extension: pcmExtension(1), ...f });
    assert.deepEqual(v({}), { codec: 'pcm', channels: 2, sampleRate: 48000, blockSize: 64, extension: pcmExtension(1) });
    assert.equal(v({ blockSize: 0 }).blockSize, 64);
    assert.equal(v({ blockSize: -5 }).blockSize, 64);
    assert.equal(v({ blockSize: 1 }).blockSize, 1);
    assert.equal(v({ sampleRate: 0 }).sampleRate, 44100);
    assert.equal(v({ sampleRate: -1 }).sampleRate, 44100);
    assert.equal(v({ sampleRate: 22050 }).sampleRate, 22050);
    assert.equal(v({ channels: 0 }).channels, 1);
    assert.equal(v({ channels: 256 }).channels, 1);
    assert.equal(v({ channels: 255 }).channels, 255);
    const depth = (extension: Uint8Array) => Buffer.from(v({ extension }).extension).toString('hex');
    assert.equal(depth(pcmExtension(0)), '00000000');
    assert.equal(depth(pcmExtension(4)), '00000004');
    assert.equal(depth(Uint8Array.of(0, 0, 0, 5)), '00000003'); // the reference lets 5 through
    assert.equal(depth(Uint8Array.of(0xff, 0xff, 0xff, 0xff)), '00000003');
    assert.equal(depth(new Uint8Array(0)), '00000003');
    assert.equal(depth(Uint8Array.of(0, 0, 1)), '00000003');
    assert.equal(depth(Uint8Array.of(0, 0, 0, 1, 9, 9)), '00000001'); // longer blob: first 4 bytes
  });

  it('reports the validated format, zero latency and the block size in bytes', () => {
    const enc = pcmCodec.createEncoder(format(7, 0, 0, Uint8Array.of(0, 0, 0, 7)));
    assert.equal(enc.format.channels, 1);
    assert.equal(enc.format.blockSize, 64);
    assert.equal(enc.delay, 0);
    assert.equal(enc.maxBlockBytes, 64 * 4);
    assert.equal(pcmCodec.createEncoder(format(PcmBitDepth.int24, 3, 10)).maxBlockBytes, 90);
    assert.equal(pcmCodec.createDecoder(format(9, 300, -1)).format.channels, 1);
  });

  it('has no encoder options', () => {
    const enc = pcmCodec.createEncoder(format(PcmBitDepth.float32));
    assert.equal(typeof enc.setOption('bitrate', 1000), 'string');
    assert.equal(enc.getOption('bitrate'), undefined);
  });
});
