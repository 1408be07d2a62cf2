import { strict as assert } from 'node:assert';
import { summarizeDemo } from '../../src/cli/demo-summary.ts';
import type { SourceStatus } from '../../src/cli/stream-status.ts';
import { dominantFrequency } from '../../src/cli/tone-analysis.ts';
import { seededRandom } from '../../src/util/random.ts';
import { startCli } from '../support/cli.ts';

const SR = 48000;

/** `before` seconds of silence, then `tone` Hz at amplitude 0.5 for `length` seconds, then `after` seconds of silence. */
function played(tone: number, before: number, length: number, after: number): Float32Array {
  const x = new Float32Array(Math.round((before + length + after) * SR));
  const from = Math.round(before * SR);
  for (let i = 0; i < Math.round(length * SR); i++) x[from + i] = 0.5 * Math.sin((2 * Math.PI * tone * i) / SR);
  return x;
}

const SOURCE: SourceStatus = { state: 'inactive', bufferLatency: 0.06, packetLoss: 0, dropped: 1, resent: 2, xruns: 0, roundTrip: 0.0005 };
const SINK = { active: true, roundTrip: 0.0005, packetLoss: 0, resentFrames: 3 };

describe('aoo-node demo', function () {
  this.timeout(30000);

  it('measures a tone to 0.1 Hz in one second, even under noise at -20 dB', () => {
    const random = seededRandom(7);
    // Uniform noise with a tenth of the tone's RMS.
    const noise = () => (0.5 / Math.SQRT2 / 10) * Math.sqrt(12) * (random() - 0.5);
    for (const tone of [55.5, 123.4, 440, 659.7, 3210.9]) {
      const x = played(tone, 0, 1, 0).map((v) => v + noise());
      const f = dominantFrequency(x, SR, 20, 4000);
      assert.ok(Math.abs(f - tone) <= 0.1, `${tone} Hz measured as ${f} Hz`);
    }
    const short = dominantFrequency(played(659.7, 0, 0.3, 0), SR, 20, 4000);
    assert.ok(Math.abs(short - 659.7) <= 0.1, `0.3 s of 659.7 Hz measured as ${short} Hz`);
  });

  it('summary: the measured frequencies, the length of the sound and the counts; no failure', () => {
    const summary = summarizeDemo({
      tones: [440, 660],
      sampleRate: SR,
      played: [played(440, 0.5, 2, 0.25), played(660, 0.5, 2, 0.25)],
      source: SOURCE,
      sink: SINK,
      error: undefined,
    });
    assert.deepEqual(summary, {
      lines: [
        'the sink played 2.00 s of sound:',
        '  channel 1: 440.0 Hz (sent 440 Hz)',
        '  channel 2: 660.0 Hz (sent 660 Hz)',
        '  dropped blocks 1, resent blocks 2, xruns 0, frames resent by the source 3, round trip 0.50 ms',
      ],
      failure: undefined,
    });
  });

  it('summary: silence, a wrong tone, nothing received and a rejected stream are failures', () => {
    const outcome = { tones: [440, 660], sampleRate: SR, source: SOURCE, sink: SINK, error: undefined };
    const silent = summarizeDemo({ ...outcome, played: [played(440, 0, 1, 0), new Float32Array(SR)] });
    assert.equal(silent.failure, 'channel 2 played silence');
    assert.equal(silent.lines[2], '  channel 2: silence (sent 660 Hz)');
    const wrong = summarizeDemo({ ...outcome, played: [played(450, 0, 1, 0), played(660, 0, 1, 0)] });
    assert.equal(wrong.failure, 'channel 1 played 450.0 Hz instead of 440 Hz');
    assert.deepEqual(summarizeDemo({ ...outcome, played: [], source: undefined }), { lines: [], failure: 'nothing arrived at the sink' });
    assert.deepEqual(summarizeDemo({ ...outcome, played: [], error: 'unknown codec' }), { lines: [], failure: 'the sink rejected the stream: unknown codec' });
  });

  for (const codec of ['pcm', 'opus']) {
    it(`demo --seconds 2 --codec ${codec}: streams over 127.0.0.1, prints a status line a second and the summary, exits 0`, async () => {
      const r = await startCli(['demo', '--seconds', '2', '--codec', codec], 25000).done;
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const [channel, tone] of [[1, 440], [2, 660]]) {
        const m = new RegExp(`^  channel ${channel}: (\\d+\\.\\d) Hz \\(sent ${tone} Hz\\)$`, 'm').exec(r.stdout);
        assert.ok(m !== null, r.stdout);
        assert.ok(Math.abs(Number(m[1]) - tone!) <= 1, m[0]);
      }
      const sound = /^the sink played (\d+\.\d\d) s of sound:$/m.exec(r.stdout);
      assert.ok(sound !== null && Number(sound[1]) >= 1.9, r.stdout);
      assert.match(r.stdout, /^ {2}dropped blocks \d+, resent blocks \d+, xruns \d+, frames resent by the source \d+, round trip \d+\.\d\d ms$/m);
      assert.match(r.stdout, /^ok: sent and received 440 and 660 Hz\n$/m);
      // Not a terminal: plain status lines, nothing rewritten in place.
      assert.ok(!r.stderr.includes('\r'), r.stderr);
      assert.match(r.stderr, new RegExp(`^aoo-node demo: 440/660 Hz for 2 s, ${codec} 2ch 48000Hz`, 'm'));
      const status = /^\d+\.\ds sent \d+ blocks \| (nothing received yet|(active|buffering|inactive) buf (\d+ms|-) loss (\d+\.\d%|-) drop \d+ resent \d+ xrun \d+ rtt (\d+\.\dms|-))$/m;
      assert.match(r.stderr, status);
    });
  }

  it('demo --seconds 0 → one-line error, exit 2', async () => {
    const r = await startCli(['demo', '--seconds', '0'], 10000).done;
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, 'aoo-node demo: --seconds must be a positive number up to 600, got "0"\n');
  });
});
