import { type ResampleMode, Resampler } from '../src/dsp/resampler/resampler.ts';
import { driftTone, resampleTone, snrDb, spuriousDb } from '../test/dsp/tone-quality.ts';

const BLOCK = 64;
const BATCHES = 200;
const BLOCKS_PER_BATCH = 100;
const MODES = ['sinc', 'cubic', 'linear'] as const;

/** Median ns to push one 64-frame stereo block and pull every 64-frame block it completes. */
function nsPerBlock(r: Resampler): number {
  const input = Float32Array.from({ length: 2 * BLOCK }, (_, i) => Math.sin(i * 0.1));
  const output = new Float32Array(2 * BLOCK);
  const block = () => {
    r.push(input, BLOCK);
    while (r.pull(output, BLOCK));
  };
  for (let i = 0; i < 20 * BLOCKS_PER_BATCH; i++) block();
  const times: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BLOCKS_PER_BATCH; i++) block();
    times.push(Number(process.hrtime.bigint() - start) / BLOCKS_PER_BATCH);
  }
  times.sort((x, y) => x - y);
  return times[BATCHES / 2]!;
}

function converter(mode: ResampleMode, inputRate: number, outputRate: number, channels = 2): Resampler {
  return new Resampler({ channels, inputRate, outputRate, mode, maxInputBlock: BLOCK, maxOutputBlock: BLOCK });
}

function quality(mode: ResampleMode, inputRate: number, outputRate: number, frequency: number) {
  const r = converter(mode, inputRate, outputRate, 1);
  const y = resampleTone(r, { inputRate, frequency, amplitude: 0.5, inputFrames: inputRate, inputBlock: BLOCK, outputBlock: BLOCK });
  const f = frequency / outputRate;
  return { snr: snrDb(y, 2048, y.length, f, 0.5, r.latency()), spurious: spuriousDb(y, 2048, y.length, f) };
}

/** % of one core for one stereo stream at `rate` output frames per second. */
const corePercent = (ns: number, rate: number) => (ns * (rate / BLOCK)) / 1e7;

function conversion(): void {
  console.log('resampler, stereo, 64-frame blocks in and out (44.1 → 48 kHz unless noted)');
  console.log('mode     ns/block  % core/stream  SNR 1k 44.1→48  SNR 1k 48→44.1  20k 48→44.1 others down by  latency');
  for (const mode of MODES) {
    const ns = nsPerBlock(converter(mode, 44100, 48000));
    const up = quality(mode, 44100, 48000, 1000).snr;
    const down = quality(mode, 48000, 44100, 1000).snr;
    const aliases = quality(mode, 48000, 44100, 20000).spurious;
    const latency = converter(mode, 44100, 48000).latency();
    console.log(
      `${mode.padEnd(8)} ${ns.toFixed(0).padStart(8)}  ${corePercent(ns, 44100).toFixed(3).padStart(13)}  ${up.toFixed(1).padStart(11)} dB  ${down.toFixed(1).padStart(11)} dB  ${aliases.toFixed(1).padStart(23)} dB  ${latency.toFixed(2)} frames`,
    );
  }
  const copy = nsPerBlock(converter('sinc', 48000, 48000));
  console.log(`copy (48 → 48 kHz, reblocking only): ${copy.toFixed(0)} ns/block, ${corePercent(copy, 48000).toFixed(3)} % core`);
}

/**
 * What a sink does to follow a source's clock: 48 → 48 kHz, dynamic, at ratio 1 ± 100 ppm.
 * SNR: against the ideal tone at the shifted pitch; THD+N: everything but the tone.
 */
function drift(): void {
  console.log('drift following: 48 → 48 kHz dynamic, stereo, 64-frame blocks, ratio 1 ± 100 ppm (worse of the two)');
  console.log('mode     ns/block  % core/stream   1 kHz: SNR   THD+N  10 kHz: SNR   THD+N  latency');
  for (const mode of MODES) {
    const r = new Resampler({ channels: 2, inputRate: 48000, outputRate: 48000, mode, dynamic: true, maxInputBlock: BLOCK, maxOutputBlock: BLOCK });
    r.setRatio(48000 * (1 + 100e-6), 48000);
    const ns = nsPerBlock(r);
    const worst = (frequency: number) => {
      const runs = [100, -100].map((ppm) => driftTone(mode, frequency, ppm));
      return { snr: Math.min(...runs.map((q) => q.snrDb)), thdN: Math.min(...runs.map((q) => q.thdNDb)) };
    };
    const [low, high] = [worst(1000), worst(10000)];
    const db = (v: number) => `${v.toFixed(1).padStart(6)} dB`;
    console.log(
      `${mode.padEnd(8)} ${ns.toFixed(0).padStart(8)}  ${corePercent(ns, 48000).toFixed(3).padStart(13)}  ${db(low.snr)} ${db(low.thdN)}  ${db(high.snr)} ${db(high.thdN)}  ${r.latency().toFixed(2)} frames`,
    );
  }
}

export async function benchDsp(): Promise<void> {
  conversion();
  drift();
}
