import { Decoder as MonoDecoder } from '@evan/opus';
import type { Decoder, StreamFormat } from './codec.ts';
import {
  concealmentPacket,
  packetFrameCount,
  parseSelfDelimited,
  type SelfDelimitedLayout,
  tocFrameSamples,
} from './opus-packet.ts';

type LibSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;

/** Room for 48 frames of 1275 bytes plus header; only padding can make a packet longer. */
const MAX_PACKET_BYTES = 48 * 1277 + 2;

/** CELT fullband TOC (code 0) whose frame length divides `blockSize`: 2.5, 5, 10 or 20 ms. */
function defaultToc(blockSize: number, sampleRate: number): number {
  let config = 31; // 20 ms, so that 40 and 60 ms blocks conceal 2 or 3 frames
  while (config > 28 && blockSize % tocFrameSamples(config << 3, sampleRate) !== 0) config--;
  return config << 3;
}

/** One mono libopus decoder per channel, fed from a multistream payload split at the self-delimited sizes. */
export class OpusDecoder implements Decoder {
  readonly format: StreamFormat;
  private readonly decoders: MonoDecoder[] = [];
  private readonly defaultToc: number;
  /** Per channel: the last packet's TOC without its code bits (-1: none yet) and the concealment packet built from it. */
  private readonly lastToc: number[] = [];
  private readonly plcPackets: Uint8Array[] = [];
  /** Per channel of the payload being decoded: where its packet starts and ends (after the split). */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly sizeAt: Int32Array;
  private readonly sizeBytes: Int32Array;
  private readonly layout: SelfDelimitedLayout = { sizeAt: 0, sizeBytes: 0, end: 0, frames: 0 };
  private scratch = new Uint8Array(MAX_PACKET_BYTES);

  /** `format` must already be validated. */
  constructor(format: StreamFormat) {
    this.format = format;
    const { channels, sampleRate, blockSize } = format;
    this.defaultToc = defaultToc(blockSize, sampleRate);
    this.starts = new Int32Array(channels);
    this.ends = new Int32Array(channels);
    this.sizeAt = new Int32Array(channels);
    this.sizeBytes = new Int32Array(channels);
    for (let c = 0; c < channels; c++) {
      this.decoders.push(new MonoDecoder({ channels: 1, sample_rate: sampleRate as LibSampleRate }));
      this.lastToc.push(-1);
      this.plcPackets.push(this.concealmentFor(this.defaultToc));
    }
  }

  decode(payload: Uint8Array, offset: number, length: number, out: Float32Array): boolean {
    const { channels, blockSize } = this.format;
    if (offset < 0 || length <= 0 || offset + length > payload.length || out.length < channels * blockSize) {
      return false;
    }
    // Check the whole payload before decoding anything, as opus_multistream_packet_validate does,
    // so that a bad block leaves every channel's decoder untouched.
    if (!this.split(payload, offset, offset + length)) return false;
    try {
      for (let c = 0; c < channels; c++) {
        const packet = this.normalPacket(payload, c);
        const pcm = this.decoders[c]!.decode(packet);
        if (!this.store(pcm, out, c)) return false;
        this.rememberToc(c, packet[0]!);
      }
    } catch {
      return false;
    }
    return true;
  }

  /** Packet-loss concealment: each channel decodes an empty packet coded like its last real one. */
  conceal(out: Float32Array): void {
    const { channels, blockSize } = this.format;
    for (let c = 0; c < channels; c++) {
      let ok = false;
      try {
        ok = this.store(this.decoders[c]!.decode(this.plcPackets[c]!), out, c);
      } catch {
        ok = false;
      }
      if (!ok) out.fill(0, c * blockSize, (c + 1) * blockSize);
    }
  }

  reset(): void {
    for (let c = 0; c < this.decoders.length; c++) {
      this.decoders[c]!.reset();
      this.lastToc[c] = -1;
      this.plcPackets[c] = this.concealmentFor(this.defaultToc);
    }
  }

  /** Finds each channel's packet in `payload[start, end)`; false if the framing or a duration is wrong. */
  private split(payload: Uint8Array, start: number, end: number): boolean {
    const { channels, sampleRate, blockSize } = this.format;
    const layout = this.layout;
    let pos = start;
    for (let c = 0; c < channels; c++) {
      if (pos >= end) return false;
      let frames: number;
      this.starts[c] = pos;
      if (c < channels - 1) {
        if (!parseSelfDelimited(payload, pos, end, layout)) return false;
        this.sizeAt[c] = layout.sizeAt;
        this.sizeBytes[c] = layout.sizeBytes;
        this.ends[c] = layout.end;
        frames = layout.frames;
      } else {
        this.sizeBytes[c] = 0;
        this.ends[c] = end;
        frames = packetFrameCount(payload, pos, end);
      }
      if (frames * tocFrameSamples(payload[pos]!, sampleRate) !== blockSize) return false;
      pos = this.ends[c]!;
    }
    return true;
  }

  /** Channel c's packet in normal framing: the self-delimiting size removed. */
  private normalPacket(payload: Uint8Array, c: number): Uint8Array {
    const start = this.starts[c]!;
    const end = this.ends[c]!;
    const skip = this.sizeBytes[c]!;
    if (skip === 0) return payload.subarray(start, end);
    if (end - start > this.scratch.length) this.scratch = new Uint8Array(end - start); // huge padding
    const scratch = this.scratch;
    const sizeAt = this.sizeAt[c]!;
    let n = 0;
    for (let i = start; i < sizeAt; i++) scratch[n++] = payload[i]!;
    for (let i = sizeAt + skip; i < end; i++) scratch[n++] = payload[i]!;
    return scratch.subarray(0, n);
  }

  /** Writes decoded little-endian int16 PCM into channel c of `out`; false unless it is exactly one block. */
  private store(pcm: Uint8Array, out: Float32Array, c: number): boolean {
    const blockSize = this.format.blockSize;
    if (pcm.length !== 2 * blockSize) return false;
    const base = c * blockSize;
    for (let i = 0, j = 0; i < blockSize; i++, j += 2) {
      out[base + i] = (((pcm[j + 1]! << 24) | (pcm[j]! << 16)) >> 16) / 32768;
    }
    return true;
  }

  private rememberToc(c: number, toc: number): void {
    const key = toc & 0xfc; // the frame count code does not matter for concealment
    if (this.lastToc[c] === key) return;
    this.lastToc[c] = key;
    this.plcPackets[c] = this.concealmentFor(key);
  }

  private concealmentFor(toc: number): Uint8Array {
    const { blockSize, sampleRate } = this.format;
    const frame = tocFrameSamples(toc, sampleRate);
    const count = blockSize / frame;
    if (Number.isInteger(count) && count >= 1 && count <= 48) return concealmentPacket(toc, count);
    return concealmentPacket(this.defaultToc, blockSize / tocFrameSamples(this.defaultToc, sampleRate));
  }
}
