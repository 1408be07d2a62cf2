import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../../src/util/wav.ts';
import { fitTone } from '../support/signal.ts';
import { FREQS, SR, receiverPatch, senderPatch } from './patches.ts';
import { killAll, randomPort, startEngine, startPd } from './pd-process.ts';

describe('Pd → engine → UDP → Pd (real Pd, real engine)', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'aoo-pd-stream-'))));
  after(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays two sines at the right frequencies, bit-exact (PCM float32) after the latency, without a dropout over 30 s', async () => {
    const controlPort = randomPort();
    const sinkPort = randomPort();
    await startEngine(controlPort);
    const methods = `add 127.0.0.1 ${sinkPort} 1, start`;
    const a = startPd(dir, 'a.pd', senderPatch({ controlPort, port: randomPort(), methods, wav: join(dir, 'a.wav'), seconds: 34 }));
    const b = startPd(dir, 'b.pd', receiverPatch({ controlPort, port: sinkPort, wav: join(dir, 'b.wav'), seconds: 30 }));
    await Promise.all([a.waitFor(/WROTE/, 45000), b.waitFor(/WROTE/, 45000)]);
    assert.ok(b.lines.some((l) => /B-STATUS: link 1/.test(l)), b.lines.join('\n'));
    // Meters of both channels, captured and played: full-scale sines (RMS −3 dB, peak 0 dB).
    for (const [pd, name] of [[a, 'A-STATUS'], [b, 'B-STATUS']] as const) {
      for (const c of [0, 1]) assert.ok(pd.lines.includes(`${name}: level ${c} -3 0`), `${name} level ${c}: ${pd.lines.filter((l) => l.startsWith(`${name}: level ${c}`)).slice(-3).join(' | ')}`);
    }
    const sent = readWav(join(dir, 'a.wav'));
    const got = readWav(join(dir, 'b.wav'));
    for (let c = 0; c < 2; c++) {
      const x = got.channels[c]!;
      const y = sent.channels[c]!;
      const tone = fitTone(x, FREQS[c]!, SR);
      assert.ok(Math.abs(tone.frequency - FREQS[c]!) < 0.01, `channel ${c}: ${tone.frequency} Hz`);
      // Where in A's recording does B's first block come from?
      const offset = y.findIndex((_, o) => o + 64 <= y.length && x.subarray(0, 64).every((v, j) => v === y[o + j]));
      assert.ok(offset >= 0, `channel ${c}: B's audio is not a bit-exact copy of A's`);
      const n = Math.min(x.length, y.length - offset);
      assert.ok(n >= 30 * SR, `compared ${n} samples`);
      let mismatch = -1;
      for (let i = 0; i < n && mismatch < 0; i++) if (x[i] !== y[offset + i]) mismatch = i;
      assert.equal(mismatch, -1, `channel ${c}: first difference at sample ${mismatch} of ${n}`);
    }
  });
});
