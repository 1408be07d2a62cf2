import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../../src/util/wav.ts';
import { startCli } from '../support/cli.ts';
import { longestZeroRun, toneWindows } from '../support/signal.ts';
import { FREQS, SR, receiverPatch, senderPatch } from './patches.ts';
import { killAll, randomPort, startEngine, startPd } from './pd-process.ts';

/** The part of `x` between its first and last non-zero samples, 0.1 s in from both ends. */
function sounding(x: Float32Array): Float32Array {
  const first = x.findIndex((v) => v !== 0);
  const last = x.findLastIndex((v) => v !== 0);
  assert.ok(first >= 0, 'silence');
  return x.subarray(first + 0.1 * SR, last - 0.1 * SR);
}

/**
 * A clean tone at `freq` for at least `minSeconds`: no run of zeros, every quarter second a
 * sine at the frequency (a Node sink follows the clocks by resampling, a few ppm off).
 */
function assertTone(x: Float32Array, freq: number, minSeconds: number, context: () => string): void {
  assert.ok(x.length > minSeconds * SR, `${(x.length / SR).toFixed(2)} s of sound`);
  assert.ok(longestZeroRun(x) < 4, `a run of ${longestZeroRun(x)} zeros: a dropout\n${context()}`);
  const t = toneWindows(x, freq, SR, SR / 4);
  assert.ok(t.minFrequency > freq - 0.1 && t.maxFrequency < freq + 0.1, `${t.minFrequency}…${t.maxFrequency} Hz, expected ${freq}`);
  assert.ok(t.minSnrDb > 60, `SNR down to ${t.minSnrDb.toFixed(1)} dB: a dropout or a glitch\n${context()}`);
}

describe('Pd ↔ Node Source/Sink (real Pd, real engine, aoo-node send/receive)', function () {
  this.timeout(30000);
  let dir: string;
  let controlPort: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aoo-pd-node-'));
    controlPort = randomPort();
    await startEngine(controlPort);
  });
  after(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Node source → [aoo.receive~]: the tones and the stream messages arrive', async () => {
    const port = randomPort();
    const b = startPd(dir, 'b.pd', receiverPatch({ controlPort, port, wav: join(dir, 'b.wav'), seconds: 3 }));
    await b.waitFor(/B-STATUS: link 1/);
    const { done } = startCli(['send', '--to', `127.0.0.1:${port}:1`, '--tone', FREQS.join(','), '--channels', '2', '--seconds', '5', '--message-every', '1']);
    await b.waitFor(/WROTE/, 15000);
    assert.equal((await done).code, 0);
    const got = readWav(join(dir, 'b.wav'));
    FREQS.forEach((f, c) => assertTone(got.channels[c]!, f, 2.9, () => b.lines.join('\n')));
    // "hello 1" as bytes: a text stream message from `aoo-node send --message-every 1`.
    const hello = [...new TextEncoder().encode('hello 1')].join(' ');
    assert.ok(b.lines.some((l) => new RegExp(`^B-EVENT: msg 127\\.0\\.0\\.1 \\d+ 1 0 text ${hello}$`).test(l)), b.lines.join('\n'));
  });

  it('[aoo.send~] → Node sink: the tones arrive', async () => {
    const port = randomPort();
    const out = join(dir, 'node.wav');
    const receiver = startCli(['receive', '--port', String(port), '--out', out, '--seconds', '5', '--channels', '2']);
    const methods = `add 127.0.0.1 ${port} 1, start`;
    const a = startPd(dir, 'a.pd', senderPatch({ controlPort, port: randomPort(), methods, wav: join(dir, 'a.wav'), seconds: 1 }));
    await a.waitFor(/A-STATUS: link 1/);
    const { code, stdout } = await receiver.done;
    assert.equal(code, 0);
    assert.ok(stdout.includes('"event":"stream_start"'), stdout);
    const got = readWav(out);
    FREQS.forEach((f, c) => assertTone(sounding(got.channels[c]!), f, 3, () => stdout));
  });
});
