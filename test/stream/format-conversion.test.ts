import { strict as assert } from 'node:assert';
import type { StreamFormat } from '../../src/codec/codec.ts';
import { OpusApplication, PcmBitDepth, opusExtension, pcmExtension } from '../../src/codec/registry.ts';
import { type ConversionSetup, Recorder, conversionRun } from './conversion-run.ts';
import { toneWindows } from '../support/signal.ts';

function pcm(sampleRate: number, blockSize: number, channels = 1): StreamFormat {
  return { codec: 'pcm', channels, sampleRate, blockSize, extension: pcmExtension(PcmBitDepth.float32) };
}

/**
 * Streams a 0.5 sine at `freq` from a source host to a sink host; returns 2 s of the sink's
 * output from second 11, after the clock estimates' 10 s start-up phase.
 */
function toneThrough(setup: ConversionSetup, freq: number): Float32Array {
  const { sourceHost, sinkHost } = setup;
  const recorder = new Recorder(sinkHost.sampleRate, sinkHost.blockSize, 11, 2);
  const w = (2 * Math.PI * freq) / sourceHost.sampleRate;
  const { hosts } = conversionRun(setup, {
    fill: (block, frame) => {
      const n = sourceHost.blockSize;
      for (let c = 0; c < setup.format.channels; c++) for (let i = 0; i < n; i++) block[c * n + i] = 0.5 * Math.sin(w * (frame + i));
    },
    played: recorder.played,
  });
  hosts.runUntil(13.1);
  return recorder.recorded;
}

describe('stream: host formats differ from the stream format (simulated time)', function () {
  this.timeout(60_000);

  const cases: { name: string; setup: ConversionSetup; freq: number; minSnrDb: number }[] = [
    {
      name: 'host 64/96 kHz, stream 256/48 kHz PCM (both ends convert)',
      setup: { format: pcm(48000, 256), sourceHost: { sampleRate: 96000, blockSize: 64 }, sinkHost: { sampleRate: 96000, blockSize: 64 } },
      freq: 5000,
      minSnrDb: 90,
    },
    {
      name: 'host 44.1 kHz, stream 48 kHz Opus (both ends convert)',
      setup: {
        format: { codec: 'opus', channels: 1, sampleRate: 48000, blockSize: 480, extension: opusExtension(OpusApplication.audio) },
        sourceHost: { sampleRate: 44100, blockSize: 64 },
        sinkHost: { sampleRate: 44100, blockSize: 64 },
      },
      freq: 1000,
      minSnrDb: 40,
    },
    {
      name: 'host 48 kHz, stream 44.1 kHz PCM (both ends convert)',
      setup: { format: pcm(44100, 64), sourceHost: { sampleRate: 48000, blockSize: 64 }, sinkHost: { sampleRate: 48000, blockSize: 64 } },
      freq: 1000,
      minSnrDb: 90,
    },
    {
      name: 'source host 44.1 kHz = stream, sink host 48 kHz (the sink converts, bursty ticks)',
      setup: {
        format: pcm(44100, 64),
        sourceHost: { sampleRate: 44100, blockSize: 64, burst: 'pd-default', seed: 5 },
        sinkHost: { sampleRate: 48000, blockSize: 64, burst: 'pd-default', seed: 6 },
      },
      freq: 1000,
      minSnrDb: 90,
    },
  ];
  for (const { name, setup, freq, minSnrDb } of cases) {
    it(`${name}: the tone arrives at ${freq} Hz, SNR >= ${minSnrDb} dB`, () => {
      const out = toneThrough(setup, freq);
      assert.equal(out.length, 2 * setup.sinkHost.sampleRate);
      const sr = setup.sinkHost.sampleRate;
      const q = toneWindows(out, freq, sr, sr / 40);
      console.log(
        `      ${q.minFrequency.toFixed(4)}…${q.maxFrequency.toFixed(4)} Hz, amplitude ${q.minAmplitude.toFixed(4)}…${q.maxAmplitude.toFixed(4)}, worst SNR ${q.minSnrDb.toFixed(1)} dB (25 ms windows)`,
      );
      // Dynamic resampling may move the pitch by up to 100 ppm while it settles the buffer level.
      for (const f of [q.minFrequency, q.maxFrequency]) assert.ok(Math.abs(f / freq - 1) < 150e-6, `${f} Hz`);
      for (const a of [q.minAmplitude, q.maxAmplitude]) assert.ok(Math.abs(a - 0.5) < 0.02, `amplitude ${a}`);
      assert.ok(q.minSnrDb >= minSnrDb, `SNR ${q.minSnrDb} dB`);
    });
  }
});
