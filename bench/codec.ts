/** Codec cost per block, and what one real-time stream costs of one core. */
import type { StreamFormat } from '../src/codec/codec.ts';
import { OpusApplication, opusExtension } from '../src/codec/opus-format.ts';
import { codecByName, PcmBitDepth, pcmExtension } from '../src/codec/registry.ts';

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Median µs per call over `rounds` rounds of `perRound` calls, after a warm-up. */
function measure(perRound: number, rounds: number, fn: (i: number) => void): number {
  for (let i = 0; i < perRound * 2; i++) fn(i);
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn(i);
    results.push(Number(process.hrtime.bigint() - start) / 1000 / perRound);
  }
  return median(results);
}

export async function benchCodec(): Promise<void> {
  console.log('codec: median µs per block; % of one core for one real-time stream');
  for (const { label, format } of CASES) {
    const codec = codecByName(format.codec)!;
    const encoder = codec.createEncoder(format);
    const decoder = codec.createDecoder(format);
    const { blockSize: bs, sampleRate: sr, channels } = encoder.format;
    // 1 s of a two-tone signal with a little noise, encoded block by block, cycled through
    const blocks: Float32Array[] = [];
    for (let k = 0; k < Math.ceil(sr / bs); k++) {
      const block = new Float32Array(channels * bs);
      for (let c = 0; c < channels; c++) {
        for (let i = 0; i < bs; i++) {
          const t = (k * bs + i) / sr;
          block[c * bs + i] = 0.4 * Math.sin(2 * Math.PI * (440 + 220 * c) * t) + 0.05 * Math.sin(2 * Math.PI * 5123 * t);
        }
      }
      blocks.push(block);
    }
    const out = new Uint8Array(encoder.maxBlockBytes);
    const payloads = blocks.map((b) => out.slice(0, encoder.encode(b, out, 0)));
    const pcm = new Float32Array(channels * bs);
    const perRound = Math.max(50, Math.round(20000 / bs));
    const encodeUs = measure(perRound, 25, (i) => encoder.encode(blocks[i % blocks.length]!, out, 0));
    const decodeUs = measure(perRound, 25, (i) => {
      const p = payloads[i % payloads.length]!;
      decoder.decode(p, 0, p.length, pcm);
    });
    const blockUs = (bs / sr) * 1e6;
    const pct = (us: number) => ((100 * us) / blockUs).toFixed(2);
    console.log(
      `  ${label.padEnd(24)} encode ${encodeUs.toFixed(2).padStart(8)} µs (${pct(encodeUs)}% core)` +
        `  decode ${decodeUs.toFixed(2).padStart(8)} µs (${pct(decodeUs)}% core)`,
    );
  }
}
