import { emptySinkData } from '../protocol/aoo/sink/data.ts';
import type { MessageWriter } from './message-writer.ts';
import type { PacketOut, SocketAddress } from './endpoint.ts';
import type { EncodedBlock } from './send-history.ts';

/** Bytes reserved for the header and fields of a `/data` frame (spec §5.2). */
const BINARY_RESERVE = 52;
const OSC_RESERVE = 82;

/** The addressee of a frame: sink ID, stream ID, channel onset. */
export interface FrameTarget {
  readonly address: SocketAddress;
  readonly sinkId: number;
  readonly streamId: number;
  readonly channel: number;
}

/** Splits encoded blocks into `/data` frames (spec §5.2) and writes them, reusing one message object. */
export class DataFrameWriter {
  private readonly frame = emptySinkData();
  /** Target size of a `/data` datagram, for blocks encoded from now on. */
  packetSize: number;

  constructor(
    private readonly sourceId: number,
    packetSize: number,
    private readonly binary: boolean,
    private readonly writer: MessageWriter,
  ) {
    this.packetSize = packetSize;
  }

  /** Payload bytes per frame at the current packet size: what `EncodedBlock.frameBytes` is set to. */
  get maxFrameBytes(): number {
    return this.packetSize - (this.binary ? BINARY_RESERVE : OSC_RESERVE);
  }

  frameCount(block: EncodedBlock): number {
    return block.totalSize > 0 ? Math.ceil(block.totalSize / block.frameBytes) : 1;
  }

  /**
   * Writes frame `index` of `block`. A resent frame carries a zero timestamp if the block had
   * one, as the reference does (spec §6.4 step 5, §13 #8).
   */
  write(block: EncodedBlock, index: number, to: FrameTarget, resent: boolean, out: PacketOut): void {
    const f = this.frame;
    const max = block.frameBytes;
    const start = index * max;
    f.form = this.binary ? 'binary' : 'osc';
    f.sinkId = to.sinkId;
    f.sourceId = this.sourceId;
    f.streamId = to.streamId;
    f.sequence = block.sequence;
    f.channel = to.channel;
    f.sampleRate = block.sampleRate;
    f.timestamp = block.timestamp === null ? null : resent ? 0n : block.timestamp;
    f.totalSize = block.totalSize;
    f.messageSize = block.messageSize;
    f.frameCount = this.frameCount(block);
    f.frameIndex = index;
    f.xrun = block.xrun;
    f.payload = block.bytes;
    f.payloadOffset = block.offset + start;
    f.payloadSize = Math.max(0, Math.min(block.totalSize, start + max) - start);
    this.writer.writeData(f, to.address, out);
  }
}
