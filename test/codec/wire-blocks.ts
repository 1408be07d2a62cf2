/**
 * Extracts the audio of each block from the binary `/data` datagrams (spec §3.3) of a live
 * capture in shared/aoo/vectors, reassembling blocks split into several frames. Kept
 * minimal and independent of src/protocol on purpose: it checks the codec against bytes
 * the reference produced.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** shared/aoo/vectors sits beside the checkout. */
export const VECTOR_DIR = fileURLToPath(new URL('../../../shared/aoo/vectors/', import.meta.url));

export interface AudioBlock {
  sequence: number;
  /** The block minus its stream-message section. */
  audio: Uint8Array;
}

const FLAG_FRAMES = 0x02;
const FLAG_STREAM_MESSAGE = 0x04;
const FLAG_SAMPLE_RATE = 0x01;
const FLAG_TIMESTAMP = 0x10;

export function audioBlocks(file: string): AudioBlock[] {
  const partial = new Map<number, { msgSize: number; data: Uint8Array; seen: Set<number> }>();
  const blocks: AudioBlock[] = [];
  for (const line of readFileSync(VECTOR_DIR + file, 'utf8').split('\n')) {
    const m = / hex=([0-9a-f]+)$/.exec(line);
    if (!m) continue;
    const bytes = Uint8Array.from(Buffer.from(m[1]!, 'hex'));
    if (bytes[0] !== 0x81 || (bytes[1]! & 0x7f) !== 0) continue; // sink message, cmd 0 = data
    const view = new DataView(bytes.buffer);
    let p = bytes[1]! & 0x80 ? 12 : 4;
    const sequence = view.getInt32(p + 4);
    const flags = bytes[p + 9]!;
    const size = view.getUint16(p + 10);
    p += 12;
    let total = size;
    let nframes = size > 0 ? 1 : 0;
    let index = 0;
    if (flags & FLAG_FRAMES) {
      total = view.getUint32(p);
      nframes = view.getUint16(p + 4);
      index = view.getUint16(p + 6);
      p += 8;
    }
    let msgSize = 0;
    if (flags & FLAG_STREAM_MESSAGE) {
      msgSize = view.getUint32(p);
      p += 4;
    }
    if (flags & FLAG_SAMPLE_RATE) p += 8;
    if (flags & FLAG_TIMESTAMP) p += 8;
    if (nframes === 0) continue;
    let block = partial.get(sequence);
    if (!block) {
      block = { msgSize, data: new Uint8Array(total), seen: new Set() };
      partial.set(sequence, block);
    }
    // every frame but the last has the same size, so the last one tells where it starts
    const frameSize = index === nframes - 1 && nframes > 1 ? (total - size) / (nframes - 1) : size;
    block.data.set(bytes.subarray(p, p + size), index * frameSize);
    block.seen.add(index); // redundant copies are harmless
    if (block.seen.size === nframes) {
      blocks.push({ sequence, audio: block.data.subarray(block.msgSize) });
      partial.delete(sequence);
    }
  }
  return blocks.sort((a, b) => a.sequence - b.sequence);
}
