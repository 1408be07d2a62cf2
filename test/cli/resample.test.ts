import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../../src/util/wav.ts';
import { startCli, waitForStderr } from '../support/cli.ts';
import { toneWindows } from '../support/signal.ts';

describe('aoo-node send --samplerate 44100 → receive --samplerate 48000', function () {
  this.timeout(30000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aoo-resample-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a 44.1 kHz PCM float32 stream plays in a 48 kHz WAV at 1 kHz with SNR >= 90 dB', async () => {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const out = join(dir, 'x.wav');
    const receiver = startCli(['receive', '--port', String(port), '--host', '127.0.0.1', '--out', out, '--seconds', '5', '--samplerate', '48000', '--channels', '1'], 20000);
    await waitForStderr(receiver.child, 'listening');
    const sender = startCli(['send', '--to', `127.0.0.1:${port}:1`, '--samplerate', '44100', '--tone', '1000', '--channels', '1', '--seconds', '4', '--codec', 'pcm', '--bits', '32'], 20000);
    const [s, r] = await Promise.all([sender.done, receiver.done]);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(r.code, 0, r.stderr);
    const wav = readWav(out);
    assert.equal(wav.sampleRate, 48000);
    const x = wav.channels[0]!;
    const first = x.findIndex((v) => Math.abs(v) > 0.1);
    assert.ok(first >= 0, 'no audio');
    // 3 s from half a second into the tone, in 25 ms windows: the pitch follows the clocks by a few ppm
    const q = toneWindows(x.subarray(first + 24000, first + 24000 + 3 * 48000), 1000, 48000, 1200);
    console.log(`      ${q.minFrequency.toFixed(3)}…${q.maxFrequency.toFixed(3)} Hz, amplitude ${q.minAmplitude.toFixed(4)}…${q.maxAmplitude.toFixed(4)}, worst SNR ${q.minSnrDb.toFixed(1)} dB`);
    for (const f of [q.minFrequency, q.maxFrequency]) assert.ok(Math.abs(f - 1000) < 0.5, `${f} Hz`);
    for (const a of [q.minAmplitude, q.maxAmplitude]) assert.ok(Math.abs(a - 0.5) < 0.01, `amplitude ${a}`);
    assert.ok(q.minSnrDb >= 90, `SNR ${q.minSnrDb} dB`);
  });
});
