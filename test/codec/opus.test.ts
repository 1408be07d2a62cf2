import { strict as assert } from 'node:assert';
import type { StreamFormat } from '../../src/codec/codec.ts';
import { OpusApplication, opusCodec, opusExtension } from '../../src/codec/opus.ts';
import { streamBitrate } from '../../src/codec/opus-options.ts';
import { parseSelfDelimited, tocFrameSamples } from '../../src/codec/opus-packet.ts';
import { seededRandom } from '../../src/util/random.ts';
import { bestDelay, delayedSnrDb, fitSine, longestZeroRun, rms, sineBlock, zeroCrossingFrequency } from '../support/signal.ts';

function format(blockSize: number, channels = 2, application: number = OpusApplication.audio, sampleRate = 48000): StreamFormat {
  return { codec: 'opus', channels, sampleRate, blockSize, extension: opusExtension(application as OpusApplication) };
}

interface RunResult {
  input: number[][];
  output: number[][];
  bytes: number;
  payloads: Uint8Array[];
}

/** Encodes `seconds` of sines block by block, decodes each payload, collects planar channels. */
function run(fmt: StreamFormat, freqs: number[], seconds: number): RunResult {
  const enc = opusCodec.createEncoder(fmt);
  const dec = opusCodec.createDecoder(fmt);
  const { blockSize: bs, sampleRate: sr } = enc.format;
  const input = freqs.map(() => [] as number[]);
  const output = freqs.map(() => [] as number[]);
  const payloads: Uint8Array[] = [];
  const buf = new Uint8Array(enc.maxBlockBytes);
  const out = new Float32Array(freqs.length * bs);
  let bytes = 0;
  for (let k = 0; k < Math.ceil((seconds * sr) / bs); k++) {
    const block = sineBlock(freqs, 0.5, sr, bs, k * bs);
    const n = enc.encode(block, buf, 0);
    assert.ok(n > 0, `encode returned ${n}`);
    bytes += n;
    payloads.push(buf.slice(0, n));
    assert.equal(dec.decode(buf, 0, n, out), true, `decode of block ${k}`);
    freqs.forEach((_, c) => {
      for (let i = 0; i < bs; i++) {
        input[c]!.push(block[c * bs + i]!);
        output[c]!.push(out[c * bs + i]!);
      }
    });
  }
  return { input, output, bytes, payloads };
}

describe('codec/opus', () => {
  describe('format validation', () => {
    it('maps sample rates outside 8/12/16/24/48 kHz to 48 kHz and bad channel counts to 1', () => {
      for (const sr of [8000, 12000, 16000, 24000, 48000]) assert.equal(opusCodec.validate(format(480, 2, 2049, sr)).sampleRate, sr);
      for (const sr of [44100, 96000, 0, -1]) assert.equal(opusCodec.validate(format(480, 2, 2049, sr)).sampleRate, 48000);
      assert.equal(opusCodec.validate(format(480, 0)).channels, 1);
      assert.equal(opusCodec.validate(format(480, 256)).channels, 1);
      assert.equal(opusCodec.validate(format(480, 255)).channels, 255);
    });

    it('clamps block sizes to 2.5…60 ms and rounds down to 2.5·2^k ms', () => {
      const at48 = [0, 1, 120, 200, 240, 479, 480, 959, 960, 1000, 1920, 2000, 2879, 2880, 5000].map(
        (bs) => opusCodec.validate(format(bs)).blockSize,
      );
      assert.deepEqual(at48, [120, 120, 120, 120, 240, 240, 480, 480, 960, 960, 1920, 1920, 1920, 2880, 2880]);
      const at8 = [10, 20, 30, 40, 100, 160, 400, 480, 1000].map((bs) => opusCodec.validate(format(bs, 1, 2049, 8000)).blockSize);
      assert.deepEqual(at8, [20, 20, 20, 40, 80, 160, 320, 480, 480]);
    });

    it('keeps VOIP, AUDIO and RESTRICTED_LOWDELAY and turns anything else into AUDIO', () => {
      const app = (extension: Uint8Array) => Buffer.from(opusCodec.validate({ ...format(480), extension }).extension).toString('hex');
      assert.equal(app(opusExtension(OpusApplication.voip)), '00000800');
      assert.equal(app(opusExtension(OpusApplication.audio)), '00000801');
      assert.equal(app(opusExtension(OpusApplication.lowdelay)), '00000803');
      assert.equal(app(Uint8Array.of(0, 0, 8, 2)), '00000801');
      assert.equal(app(new Uint8Array(0)), '00000801');
      assert.equal(app(Uint8Array.of(0, 8)), '00000801');
    });

    it('reports the codec delay (6.5 ms, or 2.5 ms for low delay) and an 8·ch·bs output bound', () => {
      const delay = (app: number, sr: number) => opusCodec.createEncoder(format(480, 1, app, sr)).delay;
      assert.equal(delay(OpusApplication.audio, 48000), 312);
      assert.equal(delay(OpusApplication.voip, 48000), 312);
      assert.equal(delay(OpusApplication.lowdelay, 48000), 120);
      assert.equal(delay(OpusApplication.audio, 16000), 104);
      assert.equal(delay(OpusApplication.lowdelay, 8000), 20);
      const enc = opusCodec.createEncoder(format(480, 3));
      assert.equal(enc.maxBlockBytes, 8 * 3 * 480);
      assert.equal(enc.format.blockSize, 480);
    });
  });

  describe('encoder options', () => {
    it('has the libopus defaults but complexity 5, and accepts valid values', () => {
      const enc = opusCodec.createEncoder(format(480));
      assert.equal(enc.getOption('bitrate'), 'auto');
      assert.equal(enc.getOption('signal'), 'auto');
      assert.equal(enc.getOption('complexity'), 5);
      assert.equal(enc.getOption('nonsense'), undefined);
      assert.equal(enc.setOption('bitrate', 96000), null);
      assert.equal(enc.getOption('bitrate'), 96000);
      assert.equal(enc.setOption('bitrate', 'max'), null);
      assert.equal(enc.getOption('bitrate'), 'max');
      assert.equal(enc.setOption('bitrate', '64000'), null);
      assert.equal(enc.getOption('bitrate'), 64000);
      assert.equal(enc.setOption('bitrate', 100), null); // clamped like libopus: 500 per channel
      assert.equal(enc.getOption('bitrate'), 1000);
      assert.equal(enc.setOption('complexity', 3), null);
      assert.equal(enc.getOption('complexity'), 3);
      assert.equal(enc.setOption('signal', 'music'), null);
      assert.equal(enc.getOption('signal'), 'music');
    });

    it('rejects invalid values with a message and changes nothing', () => {
      const enc = opusCodec.createEncoder(format(480));
      for (const [name, value] of [
        ['bitrate', 0],
        ['bitrate', -5],
        ['bitrate', 'fast'],
        ['bitrate', Number.NaN],
        ['complexity', 11],
        ['complexity', -1],
        ['complexity', 2.5],
        ['complexity', 'high'],
        ['signal', 'speech'],
        ['signal', 1],
        ['gain', 3],
      ] as [string, number | string][]) {
        const error = enc.setOption(name, value);
        assert.equal(typeof error, 'string', `${name}=${value}`);
        assert.ok(error!.length > 0);
      }
      assert.equal(enc.getOption('bitrate'), 'auto');
      assert.equal(enc.getOption('complexity'), 5);
      assert.equal(enc.getOption('signal'), 'auto');
    });

    it('encodes at complexity 5 by default: the bytes of an explicit 5, not those of libopus 9', () => {
      const payloads = (complexity: number | null) => {
        const enc = opusCodec.createEncoder(format(480));
        if (complexity !== null) assert.equal(enc.setOption('complexity', complexity), null);
        const out = new Uint8Array(enc.maxBlockBytes);
        return Array.from({ length: 20 }, (_, k) => {
          const n = enc.encode(sineBlock([440, 660], 0.5, 48000, 480, k * 480), out, 0);
          return Buffer.from(out.subarray(0, n)).toString('hex');
        });
      };
      assert.deepEqual(payloads(null), payloads(5));
      assert.notDeepEqual(payloads(null), payloads(9));
    });

    it('shares the bitrate among the channels as the libopus multistream encoder does', () => {
      assert.equal(streamBitrate('auto', 2, 48000, 120), 74000); // 40·400 + 48000 + 10000
      assert.equal(streamBitrate('auto', 1, 48000, 960), 60000);
      assert.equal(streamBitrate('max', 4, 48000, 480), 300000);
      assert.equal(streamBitrate(64000, 2, 48000, 960), 32000);
      assert.equal(streamBitrate(1000, 2, 48000, 120), 16000); // at least the channel offset
    });

    it('changes the payload size with the bitrate', () => {
      const size = (bitrate: number | string) => {
        const enc = opusCodec.createEncoder(format(960));
        assert.equal(enc.setOption('bitrate', bitrate), null);
        const out = new Uint8Array(enc.maxBlockBytes);
        let total = 0;
        for (let k = 0; k < 50; k++) total += enc.encode(sineBlock([440, 660], 0.5, 48000, 960, k * 960), out, 0);
        return (total * 8) / 1; // 50 blocks of 20 ms = 1 s → bits/s
      };
      const low = size(32000);
      const auto = size('auto');
      const max = size('max');
      assert.ok(low > 24000 && low < 40000, `32 kbit/s setting gave ${low}`);
      assert.ok(low < auto && auto < max, `${low} < ${auto} < ${max}`);
    });
  });

  describe('round trip', () => {
    for (const [bs, app] of [
      [120, OpusApplication.audio],
      [480, OpusApplication.audio],
      [1920, OpusApplication.audio], // 2 × 20 ms: code 1/2 packets
      [2880, OpusApplication.audio], // 3 × 20 ms: code 3 packets
      [240, OpusApplication.lowdelay],
      [960, OpusApplication.voip],
    ] as const) {
      it(`carries 440/660 Hz at 48 kHz/${bs} (application ${app}), delayed by the codec delay, SNR > 25 dB`, () => {
        const fmt = format(bs, 2, app);
        const { input, output } = run(fmt, [440, 660], 0.5);
        const delay = opusCodec.createEncoder(fmt).delay;
        const from = 2400; // skip the first 50 ms (start-up)
        const to = input[0]!.length;
        [440, 660].forEach((f, c) => {
          const freq = zeroCrossingFrequency(output[c]!.slice(from), 48000);
          assert.ok(Math.abs(freq - f) < 0.5, `channel ${c}: ${freq} Hz`);
          // The output lines up with the input at the reported delay (searched within ± a quarter
          // period). VOIP high-passes the input, whose phase lead moves a 440 Hz tone ~3 samples
          // early; below complexity 7 (no music detector) it also codes the tone in hybrid mode
          // (SILK + CELT), which makes it ~6 samples early.
          const best = bestDelay(input[c]!, output[c]!, delay - 30, delay + 30, from, to);
          const tolerance = app === OpusApplication.voip ? 7 : 1;
          assert.ok(Math.abs(best - delay) <= tolerance, `channel ${c}: best delay ${best}, reported ${delay}`);
          const snr = delayedSnrDb(input[c]!, output[c]!, best, from, to);
          assert.ok(snr > 25, `channel ${c}: SNR ${snr.toFixed(1)} dB`);
        });
      });
    }

    it('frames N channels as N−1 self-delimited packets plus one normal packet', () => {
      const { payloads, output } = run(format(480, 3), [440, 660, 880], 0.2);
      const layout = { sizeAt: 0, sizeBytes: 0, end: 0, frames: 0 };
      for (const p of payloads) {
        assert.ok(parseSelfDelimited(p, 0, p.length, layout));
        assert.equal(layout.sizeAt, 1); // code 0: TOC, size, frame
        assert.ok(parseSelfDelimited(p, layout.end, p.length, layout));
        assert.equal(tocFrameSamples(p[layout.end]!, 48000), 480);
        assert.ok(layout.end < p.length); // the third stream is the rest
      }
      [440, 660, 880].forEach((f, c) => {
        assert.ok(Math.abs(zeroCrossingFrequency(output[c]!.slice(2400), 48000) - f) < 1, `channel ${c}`);
      });
    });

    it('encodes mono as a plain Opus packet', () => {
      const { payloads, output } = run(format(960, 1), [440], 0.3);
      for (const p of payloads) assert.equal(p[0]! & 0xfc, 0xf8); // CELT FB 20 ms, no self-delimiting size
      assert.ok(fitSine(output[0]!.slice(2400), 440, 48000).snrDb > 25);
    });

    it('works at 16 kHz', () => {
      const { input, output } = run(format(320, 2, OpusApplication.audio, 16000), [440, 660], 0.5);
      assert.ok(delayedSnrDb(input[0]!, output[0]!, 104, 1600, input[0]!.length) > 20);
    });

    it('encodes the same bytes after reset() as a fresh encoder', () => {
      const fmt = format(480);
      const used = opusCodec.createEncoder(fmt);
      const fresh = opusCodec.createEncoder(fmt);
      const a = new Uint8Array(used.maxBlockBytes);
      const b = new Uint8Array(fresh.maxBlockBytes);
      for (let k = 0; k < 10; k++) used.encode(sineBlock([300, 500], 0.3, 48000, 480, k * 480), a, 0);
      used.reset();
      for (let k = 0; k < 5; k++) {
        const block = sineBlock([440, 660], 0.5, 48000, 480, k * 480);
        const n = used.encode(block, a, 0);
        assert.equal(fresh.encode(block, b, 0), n);
        assert.deepEqual(a.subarray(0, n), b.subarray(0, n));
      }
    });

    it('refuses a too-small output buffer or a too-short block', () => {
      const enc = opusCodec.createEncoder(format(480));
      const block = sineBlock([440, 660], 0.5, 48000, 480, 0);
      assert.equal(enc.encode(block, new Uint8Array(10), 0), -1);
      assert.equal(enc.encode(block.subarray(0, 500), new Uint8Array(enc.maxBlockBytes), 0), -1);
      const out = new Uint8Array(enc.maxBlockBytes + 7);
      const n = enc.encode(block, out, 7);
      assert.ok(n > 0);
      assert.equal(out[7]! & 0xfc, 0xf0); // CELT FB 10 ms
    });

    it('clamps samples beyond ±1 instead of wrapping', () => {
      const fmt = format(480, 1);
      const enc = opusCodec.createEncoder(fmt);
      const dec = opusCodec.createDecoder(fmt);
      const buf = new Uint8Array(enc.maxBlockBytes);
      const out = new Float32Array(480);
      const decoded: number[] = [];
      for (let k = 0; k < 20; k++) {
        const n = enc.encode(sineBlock([440], 4, 48000, 480, k * 480), buf, 0);
        assert.ok(dec.decode(buf, 0, n, out));
        decoded.push(...out);
      }
      // a clipped (square-ish) 440 Hz wave, not the garbage a wrapped int16 would give
      assert.ok(Math.abs(zeroCrossingFrequency(decoded.slice(2400), 48000) - 440) < 1);
      assert.ok(rms(decoded, 2400) > 0.8);
    });
  });

  describe('packet-loss concealment', () => {
    for (const bs of [120, 480, 2880]) {
      it(`continues a 440 Hz tone without silence at 48 kHz/${bs}`, () => {
        const fmt = format(bs);
        const enc = opusCodec.createEncoder(fmt);
        const dec = opusCodec.createDecoder(fmt);
        const buf = new Uint8Array(enc.maxBlockBytes);
        const out = new Float32Array(2 * bs);
        const blocks = Math.ceil(9600 / bs);
        for (let k = 0; k < blocks; k++) {
          const n = enc.encode(sineBlock([440, 440], 0.5, 48000, bs, k * bs), buf, 0);
          assert.ok(dec.decode(buf, 0, n, out));
        }
        const concealed: number[] = [];
        const lost = Math.max(1, Math.ceil(960 / bs)); // at least 20 ms
        for (let k = 0; k < lost; k++) {
          out.fill(Number.NaN);
          dec.conceal(out);
          assert.ok(out.every(Number.isFinite), 'conceal wrote every sample');
          concealed.push(...out.subarray(0, bs));
        }
        assert.ok(longestZeroRun(concealed) < Math.min(bs, 32), `zero run ${longestZeroRun(concealed)}`);
        assert.ok(rms(concealed, 0, Math.min(bs, 480)) > 0.2, `rms ${rms(concealed, 0, bs)}`); // the tone's rms is 0.354
        // over the first 10 ms: CELT concealment fades within tens of ms (faster in the WASM build)
        const freq = zeroCrossingFrequency(concealed.slice(0, 480), 48000);
        assert.ok(Math.abs(freq - 440) < 5, `concealed tone at ${freq} Hz`);
        // and the stream goes on
        const n = enc.encode(sineBlock([440, 440], 0.5, 48000, bs, (blocks + lost) * bs), buf, 0);
        assert.equal(dec.decode(buf, 0, n, out), true);
      });
    }

    it('conceals a full block before any packet arrived', () => {
      for (const bs of [120, 240, 480, 960, 1920, 2880]) {
        const dec = opusCodec.createDecoder(format(bs, 2));
        const out = new Float32Array(2 * bs).fill(Number.NaN);
        dec.conceal(out);
        assert.ok(out.every(Number.isFinite), `${bs}`);
        dec.reset();
        out.fill(Number.NaN);
        dec.conceal(out);
        assert.ok(out.every(Number.isFinite), `${bs} after reset`);
      }
    });
  });

  describe('corrupt payloads', () => {
    const fmt = format(120);
    const valid = (): Uint8Array => {
      const enc = opusCodec.createEncoder(fmt);
      const buf = new Uint8Array(enc.maxBlockBytes);
      let n = 0;
      for (let k = 0; k <= 20; k++) n = enc.encode(sineBlock([440, 660], 0.5, 48000, 120, k * 120), buf, 0);
      return buf.slice(0, n); // a block well into the tone: ~30 bytes per channel
    };

    it('returns false without throwing for broken framing, durations or libopus errors', () => {
      const dec = opusCodec.createDecoder(fmt);
      const out = new Float32Array(240);
      const good = valid();
      const fromOtherBlockSize = (() => {
        const enc = opusCodec.createEncoder(format(240));
        const buf = new Uint8Array(enc.maxBlockBytes);
        return buf.slice(0, enc.encode(sineBlock([440, 660], 0.5, 48000, 240, 0), buf, 0));
      })();
      const cases: [string, Uint8Array][] = [
        ['empty', new Uint8Array(0)],
        ['only the first stream', good.subarray(0, 2 + good[1]!)],
        ['truncated', good.subarray(0, 10)],
        ['size beyond the end', Uint8Array.of(0xe0, 200, 1, 2, 3, 0xe0, 1)],
        ['wrong frame duration', fromOtherBlockSize],
        ['last stream has no frames', Uint8Array.of(0xe0, 1, 9, 0xe3, 0x00)],
        ['last stream holds two frames (5 ms)', Uint8Array.of(0xe0, 1, 9, 0xe1, 1, 2)],
        ['last stream too long for one frame', Uint8Array.of(0xe0, 0, 0xe0, ...new Uint8Array(1300))],
      ];
      assert.ok(good[1]! > 20);
      for (const [what, payload] of cases) {
        assert.equal(dec.decode(payload, 0, payload.length, out), false, what);
      }
      assert.equal(dec.decode(good, 0, good.length + 1, out), false, 'length past the end');
      assert.equal(dec.decode(good, -1, good.length, out), false, 'negative offset');
      assert.equal(dec.decode(good, 0, good.length, new Float32Array(100)), false, 'short output');
      assert.equal(dec.decode(good, 0, good.length, out), true, 'still decodes afterwards');
    });

    it('copes with a stream padded beyond any real packet size', () => {
      // first stream: code 3 with one empty frame and 70,000 bytes of padding; last stream: an empty frame
      const padding = [...new Uint8Array(275).fill(255), 150]; // 275·254 + 150 = 70,000
      const payload = Uint8Array.of(0xe3, 0x41, ...padding, 0, ...new Uint8Array(70000), 0xe0);
      const dec = opusCodec.createDecoder(fmt);
      const out = new Float32Array(240).fill(Number.NaN);
      // Valid, if odd (libopus conceals the empty frames); the WASM build refuses packets over 8 KiB.
      const ok = dec.decode(payload, 0, payload.length, out);
      if (ok) assert.ok(out.every(Number.isFinite));
      else assert.equal(process.env.OPUS_FORCE_WASM !== undefined, true, 'only the WASM build may refuse it');
    });

    it('never throws on random bytes', () => {
      const random = seededRandom(1234);
      const dec = opusCodec.createDecoder(fmt);
      const out = new Float32Array(240);
      const good = valid();
      let accepted = 0;
      for (let i = 0; i < 2000; i++) {
        const payload =
          i % 2 === 0
            ? Uint8Array.from({ length: 1 + Math.floor(random() * 120) }, () => Math.floor(random() * 256))
            : good.map((b) => (random() < 0.05 ? Math.floor(random() * 256) : b)); // a few flipped bytes
        if (dec.decode(payload, 0, payload.length, out)) accepted++;
        assert.ok(out.every(Number.isFinite));
      }
      assert.ok(accepted > 0 && accepted < 2000, `${accepted} accepted`);
    });
  });
});
