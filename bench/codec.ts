/** Codec cost per block, and what one real-time stream costs of one core; Opus per complexity. */
import type { Encoder, StreamFormat } from '../src/codec/codec.ts';
import { opusZeroCopy } from '../src/codec/opus-binding.ts';
import { OpusApplication, opusExtension } from '../src/codec/opus-format.ts';
import { DEFAULT_COMPLEXITY } from '../src/codec/opus-options.ts';
import { codecByName, PcmBitDepth, pcmExtension } from '../src/codec/registry.ts';
import { fitTone, sineBlock } from '../test/support/signal.ts';
import { measure } from './measure.ts';

interface Case {
  label: string;
  format: StreamFormat;
}

const CASES: Case[] = [
  { label: 'pcm float32 2ch 48k/64', format: fmt('pcm', 64, pcmExtension(PcmBitDepth.float32)) },
  { label: 'opus 2ch 48k/120', format: fmt('opus', 120, opusExtension(OpusApplication.audio)) },
  { label: 'opus 2ch 48k/480', format: fmt('opus', 480, opusExtension(OpusApplication.audio)) },
];

function fmt(codec: string, blockSize: number, extension: Uint8Array): StreamFormat {
  return { codec, channels: 2, sampleRate: 48000, blockSize, extension };
}

/** 1 s of a two-tone signal with a little high partial, as planar blocks, encoded block by block and cycled through. */
function musicBlocks(format: StreamFormat): Float32Array[] {
  const { blockSize: bs, sampleRate: sr, channels } = format;
  return Array.from({ length: Math.ceil(sr / bs) }, (_, k) => {
    const block = new Float32Array(channels * bs);
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < bs; i++) {
        const t = (k * bs + i) / sr;
        block[c * bs + i] = 0.4 * Math.sin(2 * Math.PI * (440 + 220 * c) * t) + 0.05 * Math.sin(2 * Math.PI * 5123 * t);
      }
    }
    return block;
  });
}

function costs({ label, format }: Case): void {
  const codec = codecByName(format.codec)!;
  const encoder = codec.createEncoder(format);
  const decoder = codec.createDecoder(format);
  const { blockSize: bs, sampleRate: sr, channels } = encoder.format;
  const blocks = musicBlocks(encoder.format);
  const out = new Uint8Array(encoder.maxBlockBytes);
  // The payloads lie in one buffer, as in the sink's jitter buffer.
  const payloads = new Uint8Array(blocks.length * encoder.maxBlockBytes);
  const sizes = blocks.map((b, k) => encoder.encode(b, payloads, k * encoder.maxBlockBytes));
  const pcm = new Float32Array(channels * bs);
  const perRound = Math.max(50, Math.round(20000 / bs));
  let e = 0;
  let d = 0;
  const encode = measure(() => encoder.encode(blocks[e++ % blocks.length]!, out, 0), perRound, 25);
  const decode = measure(() => {
    const k = d++ % blocks.length;
    decoder.decode(payloads, k * encoder.maxBlockBytes, sizes[k]!, pcm);
  }, perRound, 25);
  const pct = (ns: number) => ((100 * ns) / ((bs / sr) * 1e9)).toFixed(2);
  const cell = (m: typeof encode) => `${(m.nsPerOp / 1000).toFixed(2).padStart(8)} µs (${pct(m.nsPerOp)}% core, ${m.bytesPerOp.toFixed(0)} B heap)`;
  console.log(`  ${label.padEnd(24)} encode ${cell(encode)}  decode ${cell(decode)}`);
}

/** A tone through `encoder` and a fresh decoder: its level (dB re the input) and everything else below it (dB), after 100 ms. */
function toneFigures(encoder: Encoder, frequency: number): { levelDb: number; restDb: number } {
  const { format } = encoder;
  const decoder = codecByName('opus')!.createDecoder(format);
  const bs = format.blockSize;
  const out = new Uint8Array(encoder.maxBlockBytes);
  const pcm = new Float32Array(format.channels * bs);
  const left: number[] = [];
  for (let k = 0; k < format.sampleRate / bs; k++) {
    const n = encoder.encode(sineBlock([frequency, frequency], 0.5, format.sampleRate, bs, k * bs), out, 0);
    decoder.decode(out, 0, n, pcm);
    if (k * bs >= format.sampleRate / 10) left.push(...pcm.subarray(0, bs));
  }
  const tone = fitTone(left, frequency, format.sampleRate);
  return { levelDb: 20 * Math.log10(tone.amplitude / 0.5), restDb: tone.snrDb };
}

/**
 * Encode time and what the decoded sound keeps, per complexity: the level of a 1 kHz and a
 * 10 kHz tone and how far below it the coding noise and distortion stay (Opus is not waveform
 * coding, so this is a relative figure between complexities, not an SNR of the codec).
 */
function complexities(): void {
  const format = fmt('opus', 480, opusExtension(OpusApplication.audio));
  const blocks = musicBlocks(format);
  const codec = codecByName('opus')!;
  console.log(`opus 2ch 48k/480 per complexity (default ${DEFAULT_COMPLEXITY}; libopus and the reference: 9), auto bitrate`);
  console.log('  complexity  encode µs  % core  kbit/s   1 kHz: level  rest below   10 kHz: level  rest below');
  for (let complexity = 0; complexity <= 10; complexity++) {
    const fresh = () => {
      const encoder = codec.createEncoder(format);
      encoder.setOption('complexity', complexity);
      return encoder;
    };
    const encoder = fresh();
    const out = new Uint8Array(encoder.maxBlockBytes);
    const bytes = blocks.reduce((total, b) => total + encoder.encode(b, out, 0), 0);
    let k = 0;
    const { nsPerOp } = measure(() => encoder.encode(blocks[k++ % blocks.length]!, out, 0), 100, 15);
    const [low, high] = [toneFigures(fresh(), 1000), toneFigures(fresh(), 10000)];
    const db = (v: number) => `${v.toFixed(2).padStart(6)} dB`;
    console.log(
      `  ${String(complexity).padStart(10)} ${(nsPerOp / 1000).toFixed(1).padStart(10)} ${((100 * nsPerOp) / 1e7).toFixed(2).padStart(7)} ${((bytes * 8) / 1000).toFixed(0).padStart(7)}` +
        `   ${db(low.levelDb)} ${db(low.restDb)}    ${db(high.levelDb)} ${db(high.restDb)}`,
    );
  }
}

export async function benchCodec(): Promise<void> {
  console.log(`codec: median µs per block; % of one core for one real-time stream; heap bytes per block (Opus read in place: ${opusZeroCopy})`);
  for (const c of CASES) costs(c);
  complexities();
}
