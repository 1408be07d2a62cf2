import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSinkAddress } from '../../src/cli/send.ts';
import { readWav } from '../../src/util/wav.ts';
import { startCli, waitForStderr } from '../support/cli.ts';
import { fitSine, longestZeroRun } from '../support/signal.ts';

const SR = 48000;

function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 40000);
}

/** Magnitude of `x[from…from+n)` at `freq` Hz (Goertzel). */
function goertzel(x: Float32Array, from: number, n: number, freq: number): number {
  const w = (2 * Math.PI * freq) / SR;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < from + n; i++) {
    const s0 = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return Math.sqrt(s1 * s1 + s2 * s2 - c * s1 * s2);
}

/** The dominant frequency in one second from `from`: a 5 Hz scan 50…2000 Hz, then 0.1 Hz around the peak. */
function dominantFrequency(x: Float32Array, from: number): number {
  const n = SR;
  const peak = (lo: number, hi: number, step: number) => {
    let best = lo;
    let bestMag = -1;
    for (let f = lo; f <= hi; f += step) {
      const m = goertzel(x, from, n, f);
      if (m > bestMag) [best, bestMag] = [f, m];
    }
    return best;
  };
  const coarse = peak(50, 2000, 5);
  return peak(coarse - 5, coarse + 5, 0.1);
}

function firstAbove(x: Float32Array, threshold: number): number {
  return x.findIndex((v) => Math.abs(v) > threshold);
}

function lastAbove(x: Float32Array, threshold: number): number {
  return x.findLastIndex((v) => Math.abs(v) > threshold);
}

function quietestWindowRms(x: Float32Array, from: number, to: number, size = 64): number {
  let quietest = Number.POSITIVE_INFINITY;
  for (let i = from; i + size <= to; i++) {
    let sum = 0;
    for (let j = i; j < i + size; j++) sum += x[j]! * x[j]!;
    quietest = Math.min(quietest, Math.sqrt(sum / size));
  }
  return quietest;
}

interface JsonEvent {
  readonly event: string;
  readonly sample: number;
  readonly data?: string;
}

describe('aoo-node send → receive', function () {
  this.timeout(20000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aoo-stream-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const host of ['127.0.0.1', '::1']) {
    for (const codec of ['pcm', 'opus'] as const) {
      it(`streams a 440/660 Hz tone over ${host} with ${codec}`, async () => {
        const port = randomPort();
        const out = join(dir, `${codec}-${host.replace(/:/g, '_')}.wav`);
        // PCM is compared sample for sample below: no drift following (both ends share this machine's clock).
        const exact = codec === 'pcm' ? ['--dynamic-resampling', 'off'] : [];
        const receiver = startCli(['receive', '--port', String(port), '--host', host, '--out', out, '--seconds', '4', ...exact], 15000);
        await waitForStderr(receiver.child, 'listening');
        const to = host.includes(':') ? `[${host}]:${port}:1` : `${host}:${port}:1`;
        const sender = startCli(['send', '--to', to, '--tone', '440,660', '--channels', '2', '--seconds', '3', '--codec', codec, '--message-every', '1'], 15000);
        const [s, r] = await Promise.all([sender.done, receiver.done]);
        assert.equal(s.code, 0, s.stderr);
        assert.equal(r.code, 0, r.stderr);

        const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as JsonEvent);
        assert.ok(events.some((e) => e.event === 'stream_start'), r.stdout);

        const wav = readWav(out);
        assert.equal(wav.sampleRate, SR);
        assert.equal(wav.channels.length, 2);
        const [left, right] = wav.channels as [Float32Array, Float32Array];
        const threshold = codec === 'pcm' ? 0 : 0.25;
        const first = Math.min(firstAbove(left, threshold), firstAbove(right, threshold));
        const last = Math.max(lastAbove(left, threshold), lastAbove(right, threshold));
        assert.ok(first >= 0, 'no audio received');
        const active = (last - first + 1) / SR;
        assert.ok(active >= 2.5, `active part ${active.toFixed(3)} s`);

        const mid = first + Math.floor(0.5 * SR);
        const f0 = dominantFrequency(left, mid);
        const f1 = dominantFrequency(right, mid);
        assert.ok(Math.abs(f0 - 440) <= 2, `channel 0 at ${f0} Hz`);
        assert.ok(Math.abs(f1 - 660) <= 2, `channel 1 at ${f1} Hz`);

        if (codec === 'pcm') {
          for (const ch of [left, right]) assert.ok(longestZeroRun(ch.subarray(first, last + 1)) <= 64, `a run of ${longestZeroRun(ch.subarray(first, last + 1))} zeros`);
          // The tone starts at phase 0, so the stream's sample 0 is exactly 0 and the first non-zero sample is its sample 1.
          const shift = firstAbove(left, 0) - 1;
          assert.equal(firstAbove(right, 0) - 1, shift);
          for (const [ch, freq] of [[left, 440], [right, 660]] as const) {
            let worst = 0;
            for (let n = shift; n < shift + 3 * SR; n++) worst = Math.max(worst, Math.abs(ch[n]! - 0.5 * Math.sin((2 * Math.PI * freq * (n - shift)) / SR)));
            assert.ok(worst <= 1e-6, `${freq} Hz off by ${worst}`);
            assert.equal(ch[shift + 3 * SR], 0, 'silence after the stream');
          }
          // "hello 1" is attached at the stream's sample 48000 and comes out exactly there.
          const hello = events.find((e) => e.event === 'stream_message' && e.data === 'hello 1');
          assert.ok(hello !== undefined, r.stdout);
          assert.equal(hello.sample, shift + SR);
        } else {
          const quietest = Math.min(quietestWindowRms(left, first, last), quietestWindowRms(right, first, last));
          assert.ok(quietest >= 0.05, `a 64-sample window with RMS ${quietest}`);
          const snr = Math.min(fitSine(left.subarray(mid, mid + SR), f0, SR).snrDb, fitSine(right.subarray(mid, mid + SR), f1, SR).snrDb);
          assert.ok(snr >= 20, `SNR ${snr.toFixed(1)} dB`);
          assert.ok(events.some((e) => e.event === 'stream_message' && e.data === 'hello 2'), r.stdout);
        }
      });
    }
  }

  it('parses HOST:PORT:ID, IPv6 with or without brackets', () => {
    assert.deepEqual(parseSinkAddress('127.0.0.1:9100:1'), { host: '127.0.0.1', port: 9100, id: 1 });
    assert.deepEqual(parseSinkAddress('[::1]:9100:2'), { host: '::1', port: 9100, id: 2 });
    assert.deepEqual(parseSinkAddress('::1:9100:2'), { host: '::1', port: 9100, id: 2 });
    assert.deepEqual(parseSinkAddress('localhost:9100:0'), { host: 'localhost', port: 9100, id: 0 });
    for (const bad of ['127.0.0.1:9100', '127.0.0.1:0:1', 'host:70000:1', ':9100:1', 'a:b:9100:1', '[::1:9100:1']) {
      assert.equal(parseSinkAddress(bad), undefined, bad);
    }
  });

  const badArgs: [string[], RegExp][] = [
    [['send', '--to', '127.0.0.1:9100'], /--to must be HOST:PORT:ID/],
    [['send'], /give --to/],
    [['send', '--to', '127.0.0.1:9100:1', '--codec', 'mp3'], /--codec must be pcm or opus/],
    [['send', '--to', '127.0.0.1:9100:1', '--bits', '12'], /--bits must be/],
    [['send', '--to', '127.0.0.1:9100:1', '--tone', '440,x'], /--tone must be/],
    [['send', '--to', '127.0.0.1:9100:1', '--file', '/nonexistent.wav'], /cannot read --file/],
    [['send', '--to', '127.0.0.1:9100:1', '--frobnicate'], /Unknown option/],
    [['receive', '--port', '9100'], /give --out/],
    [['receive', '--out', 'x.wav'], /give --port/],
    [['receive', '--port', 'abc', '--out', 'x.wav'], /--port must be/],
    [['receive', '--port', '9100', '--out', 'x.wav', '--seconds', '0'], /--seconds must be/],
  ];
  for (const [args, message] of badArgs) {
    it(`${args.join(' ')} → one-line error, exit 2`, async () => {
      const r = await startCli(args, 10000).done;
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});
