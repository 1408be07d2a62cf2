import type { Decoder, StreamFormat } from './codec.ts';
import { decodedSamples, decodeInto, LibOpusDecoder as MonoDecoder, packetInput } from './opus-binding.ts';
import {
  concealmentPacket,
  packetFrameCount,
  parseSelfDelimited,
  type SelfDelimitedLayout,
  tocFrameSamples,
} from './opus-packet.ts';

type LibSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;

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
        if (!this.store(decodeInto(this.decoders[c]!, packet), out, c)) return false;
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
        ok = this.store(decodeInto(this.decoders[c]!, this.plcPackets[c]!), out, c);
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

  /** Channel c's packet in normal framing (the self-delimiting size removed), in the shared decoder input. */
  private normalPacket(payload: Uint8Array, c: number): Uint8Array {
    const start = this.starts[c]!;
    const end = this.ends[c]!;
    const skip = this.sizeBytes[c]!;
    const sizeAt = skip === 0 ? end : this.sizeAt[c]!;
    const packet = packetInput(end - start - skip);
    let n = 0;
    for (let i = start; i < sizeAt; i++) packet[n++] = payload[i]!;
    for (let i = sizeAt + skip; i < end; i++) packet[n++] = payload[i]!;
    return packet;
  }

  /** Writes `samples` decoded samples into channel c of `out`; false unless they are exactly one block. */
  private store(samples: number, out: Float32Array, c: number): boolean {
    const blockSize = this.format.blockSize;
    if (samples !== blockSize) return false;
    const base = c * blockSize;
    for (let i = 0; i < blockSize; i++) out[base + i] = decodedSamples[i]! / 32768;
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
