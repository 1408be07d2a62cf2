import { type ResampleMode, Resampler } from '../src/dsp/resampler/resampler.ts';
import { resampleTone, snrDb, spuriousDb } from '../test/dsp/tone-quality.ts';

const BLOCK = 64;
const BATCHES = 200;
const BLOCKS_PER_BATCH = 100;

/** Median ns to push one 64-frame stereo block and pull every 64-frame block it completes. */
function nsPerBlock(mode: ResampleMode, inputRate: number, outputRate: number): number {
  const r = new Resampler({ channels: 2, inputRate, outputRate, mode, maxInputBlock: BLOCK, maxOutputBlock: BLOCK });
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

function quality(mode: ResampleMode, inputRate: number, outputRate: number, frequency: number) {
  const r = new Resampler({ channels: 1, inputRate, outputRate, mode, maxInputBlock: BLOCK, maxOutputBlock: BLOCK });
  const y = resampleTone(r, { inputRate, frequency, amplitude: 0.5, inputFrames: inputRate, inputBlock: BLOCK, outputBlock: BLOCK });
  const f = frequency / outputRate;
  return { snr: snrDb(y, 2048, y.length, f, 0.5, r.latency()), spurious: spuriousDb(y, 2048, y.length, f) };
}

export async function benchDsp(): Promise<void> {
  console.log('resampler, stereo, 64-frame blocks in and out (44.1 → 48 kHz unless noted)');
  console.log('mode     ns/block  % core/stream  SNR 1k 44.1→48  SNR 1k 48→44.1  20k 48→44.1 others down by  latency');
  for (const mode of ['sinc', 'cubic', 'linear'] as const) {
    const ns = nsPerBlock(mode, 44100, 48000);
    const core = (ns * (44100 / BLOCK)) / 1e7;
    const up = quality(mode, 44100, 48000, 1000).snr;
    const down = quality(mode, 48000, 44100, 1000).snr;
    const aliases = quality(mode, 48000, 44100, 20000).spurious;
    const latency = new Resampler({ channels: 2, inputRate: 44100, outputRate: 48000, mode, maxInputBlock: BLOCK, maxOutputBlock: BLOCK }).latency();
    console.log(
      `${mode.padEnd(8)} ${ns.toFixed(0).padStart(8)}  ${core.toFixed(3).padStart(13)}  ${up.toFixed(1).padStart(11)} dB  ${down.toFixed(1).padStart(11)} dB  ${aliases.toFixed(1).padStart(23)} dB  ${latency.toFixed(2)} frames`,
    );
  }
  const copy = nsPerBlock('sinc', 48000, 48000);
  console.log(`copy (48 → 48 kHz, reblocking only): ${copy.toFixed(0)} ns/block, ${((copy * (48000 / BLOCK)) / 1e7).toFixed(3)} % core`);
}
