import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { opusZeroCopy } from '../../src/codec/opus-binding.ts';
import { opusCodec, OpusApplication, opusExtension } from '../../src/codec/opus.ts';
import { sineBlock } from '../support/signal.ts';
import { heapCost, NOTHING_BYTES } from '../support/heap-cost.ts';
import { toneRoundTrip } from './opus-tone-round-trip.ts';

const CHILD = fileURLToPath(new URL('./opus-tone-round-trip-child.ts', import.meta.url));
const ADDON = join(dirname(createRequire(import.meta.url).resolve('@evan/opus')), 'node', `${process.arch}-${process.platform}.node`);

describe('codec/opus binding', () => {
  it('reads the native addon in place where the package ships one for this platform', () => {
    assert.equal(opusZeroCopy, existsSync(ADDON) && !process.env.OPUS_FORCE_WASM);
  });

  it('allocates nothing per block once running: 2,000 stereo encodes, decodes and concealments grow the heap by < 8 KiB, no GC', async () => {
    assert.ok(opusZeroCopy, 'no prebuilt addon for this platform: the WASM build allocates per block');
    const format = { codec: 'opus', channels: 2, sampleRate: 48000, blockSize: 480, extension: opusExtension(OpusApplication.audio) };
    const encoder = opusCodec.createEncoder(format);
    const decoder = opusCodec.createDecoder(format);
    const blocks = Array.from({ length: 8 }, (_, k) => sineBlock([440, 660], 0.5, 48000, 480, k * 480));
    const payload = new Uint8Array(encoder.maxBlockBytes);
    const output = new Float32Array(2 * 480);
    let k = 0;
    const op = () => {
      const n = encoder.encode(blocks[k++ % blocks.length]!, payload, 0);
      if (k % 4 === 0) decoder.conceal(output);
      else decoder.decode(payload, 0, n, output);
    };
    for (let i = 0; i < 1000; i++) op(); // warm-up: JIT, lazily made views
    const cost = await heapCost(op, 2000, 5);
    assert.equal(cost.gcs, 0, `${cost.gcs} garbage collections`);
    assert.ok(cost.bytes < NOTHING_BYTES, `heap grew by ${cost.bytes} bytes`);
  });

  it('reads the right bytes in place: a tone comes back at its level, concealment continues it', () => {
    const result = toneRoundTrip();
    assert.equal(result.failures, 0);
    assert.ok(Math.abs(result.amplitude - 0.5) < 0.03, `amplitude ${result.amplitude}`);
    assert.ok(result.snrDb > 25, `SNR ${result.snrDb} dB`);
  });

  it("runs on the package's WASM build too (OPUS_FORCE_WASM, child process): same tone, concealment works", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, OPUS_FORCE_WASM: '1' },
      timeout: 15000,
    });
    const result = JSON.parse(stdout) as { zeroCopy: boolean } & ReturnType<typeof toneRoundTrip>;
    assert.equal(result.zeroCopy, false);
    assert.equal(result.failures, 0);
    assert.ok(Math.abs(result.amplitude - 0.5) < 0.03, `amplitude ${result.amplitude}`);
    assert.ok(result.snrDb > 25, `SNR ${result.snrDb} dB`);
  });
});
