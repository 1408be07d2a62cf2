/** What a Sink keeps per source (spec §7.2): stream state, jitter buffer and playout. */
import type { Decoder, StreamFormat } from '../codec/codec.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import type { SinkData } from '../protocol/aoo/sink/data.ts';
import type { FrameRequest } from '../protocol/aoo/source/data-request.ts';
import { readStreamMessages } from '../protocol/aoo/stream-messages.ts';
import { type NtpTime, ntpFromSeconds } from '../protocol/ntp.ts';
import { type BufferSizing, bufferSizing } from './buffer-sizing.ts';
import type { Endpoint } from './endpoint.ts';
import type { SinkEvent, StreamStateName } from './events.ts';
import { JitterBuffer } from './jitter-buffer.ts';
import { FifoReblocker, type Reblocker } from './reblocker.ts';
import { SampleSchedule } from './sample-schedule.ts';

export type RemoteSourceState = 'idle' | 'start' | 'run' | 'stop' | 'invite' | 'uninvite' | 'timeout';

/** The sink's settings a source needs for playout. */
export interface PlayoutSettings {
  readonly blockSize: number;
  readonly sampleRate: number;
  readonly latency: number;
  readonly bufferSize: number;
}

export class RemoteSource {
  state: RemoteSourceState = 'idle';
  streamId = -1;
  formatId = -1;
  format: StreamFormat | null = null;
  decoder: Decoder | null = null;
  metadata: AooData | null = null;
  startTime: NtpTime = 0n;
  /** Source reblock latency + codec delay, samples at the format rate. */
  sourceDelay = 0;
  startOffset = 0;
  /** SourceAdd was emitted. */
  announced = false;
  /** Between StreamStart and StreamStop. */
  streamActive = false;
  /** `/stop` arrived: play what is buffered, then StreamStop. */
  stopped = false;
  playback: StreamStateName = 'inactive';
  lastPacketTime: number;
  /** The time of the current `process()` call (seconds, NTP timescale). */
  now: number;
  /** Sink channel of the source's first channel (`/data` channel field of the last played block). */
  channelOnset = 0;
  /** Filled by `pull()`: planar, format channels × sink block size. */
  output = new Float32Array(0);

  // invitations (spec §7.10)
  token = -1;
  inviteMetadata: AooData | null = null;
  inviteSince = 0;
  lastInviteSent = -Infinity;
  uninviteSince = 0;

  // requests to the source, sent by Sink.send()
  readonly frameRequests: FrameRequest[] = [];
  wantsStart = false;
  underrunSince = -1;
  lastStopRequest = -Infinity;
  lastPing = -Infinity;
  lastPingReceived = -1;

  // per-process counters
  dropped = 0;
  resent = 0;
  xruns = 0;
  droppedSinceLastPong = 0;

  private readonly jitter = new JitterBuffer();
  private readonly schedule = new SampleSchedule<SinkEvent>();
  private fifo: Reblocker = new FifoReblocker(1, 1);
  private decoded = new Float32Array(0);
  private sizing: BufferSizing = { latencyBlocks: 1, latencySamples: 0, capacity: 1 };
  private processSamples = 0;
  /** Samples written into / read from the FIFO since the last reset. */
  private streamSamples = 0;
  private playedSamples = 0;

  constructor(
    readonly endpoint: Endpoint,
    private readonly settings: PlayoutSettings,
    private readonly emit: (e: SinkEvent) => void,
    now: number,
  ) {
    this.lastPacketTime = now;
    this.now = now;
  }

  /** A new stream was announced by `/start` (format already set up). */
  beginStream(seqStart: number, formatChanged: boolean): void {
    const format = this.format!;
    const { blockSize, sampleRate, latency, bufferSize } = this.settings;
    this.sizing = bufferSizing(format, blockSize, sampleRate, latency, bufferSize);
    this.jitter.reset(seqStart - 1, this.sizing.capacity);
    if (formatChanged) {
      this.fifo = new FifoReblocker(format.channels, format.blockSize + blockSize);
      this.decoded = new Float32Array(format.channels * format.blockSize);
      this.output = new Float32Array(format.channels * blockSize);
    }
    this.decoder!.reset();
    this.resetPlayout();
    this.stopped = false;
    this.state = 'start';
  }

  /** start → run, at the beginning of `process()`. */
  enterRun(): void {
    if (this.streamActive) this.emit({ type: 'StreamStop', endpoint: this.endpoint });
    this.streamActive = true;
    this.emit({ type: 'StreamStart', endpoint: this.endpoint, startTime: this.startTime, metadata: this.metadata });
    this.setPlayback('buffering');
    this.state = 'run';
  }

  /** Adds a frame of the current stream (spec §7.4). */
  addFrame(f: SinkData): void {
    if (this.playback === 'inactive' && !this.stopped && this.state === 'run') this.recoverFromUnderrun(f.sequence);
    const jb = this.jitter;
    if (f.sequence <= jb.lastPopped) return; // late
    let block = jb.find(f.sequence);
    if (block === undefined) {
      if (f.sequence - jb.newest > jb.free) {
        jb.reset(f.sequence - 1);
        this.resetPlayout();
        this.emit({ type: 'BufferOverrun', endpoint: this.endpoint });
        if (this.state === 'run') this.setPlayback('buffering');
      }
      while (jb.newest < f.sequence) block = jb.append();
      block = block!;
    } else if (!block.placeholder && block.complete) return; // duplicate
    if (block.placeholder) block.initFrom(f);
    if (!block.addFrame(f)) return;
    if (f.sequence !== jb.newest && block.requested && block.complete && !block.countedAsResent) {
      block.countedAsResent = true;
      this.resent++;
    }
  }

  /**
   * Produces one sink block into `output`; false if the source has no audio now.
   * Sample-accurate events come out through `emit` with offsets into this block.
   */
  pull(): boolean {
    const frames = this.settings.blockSize;
    if (this.decoder === null || this.playback === 'inactive') return false;
    this.processSamples += frames;
    while (this.fifo.available < frames) if (!this.decodeNext()) return false;
    this.fifo.read(this.output, frames);
    this.schedule.due(this.playedSamples, frames, this.emit);
    this.playedSamples += frames;
    return true;
  }

  /** Resend requests for incomplete blocks (spec §7.6), oldest first, up to `limit` blocks. */
  requestMissing(now: number, interval: number, limit: number): void {
    const jb = this.jitter;
    let blocks = 0;
    for (let i = 0; i < jb.size - 1 && blocks < limit; i++) {
      const b = jb.at(i);
      if (b.complete || (b.requested && now - b.lastRequest < interval)) continue;
      b.requested = true;
      b.lastRequest = now;
      blocks++;
      if (b.placeholder || b.receivedFrames === 0) {
        this.frameRequests.push({ sequence: b.sequence, offset: -1, bitset: 0 });
        continue;
      }
      for (let offset = 0; offset < b.frameCount; offset += 16) {
        const bitset = b.missingFrames(offset);
        if (bitset !== 0) this.frameRequests.push({ sequence: b.sequence, offset, bitset });
      }
    }
  }

  get bufferedBlocks(): number {
    return this.jitter.size;
  }

  private setPlayback(state: StreamStateName): void {
    this.playback = state;
    this.emit({ type: 'StreamState', endpoint: this.endpoint, state, sampleOffset: 0 });
  }

  private resetPlayout(): void {
    this.fifo.reset();
    this.schedule.clear();
    this.processSamples = 0;
    this.streamSamples = 0;
    this.playedSamples = 0;
    this.underrunSince = -1;
  }

  private recoverFromUnderrun(sequence: number): void {
    this.jitter.reset(sequence - 1);
    this.resetPlayout();
    this.decoder?.reset();
    this.emit({ type: 'BufferUnderrun', endpoint: this.endpoint });
    this.setPlayback('buffering');
  }

  /** Writes one format block into the FIFO (spec §7.5); false on underrun. */
  private decodeNext(): boolean {
    const format = this.format!;
    const decoder = this.decoder!;
    if (this.playback === 'buffering') {
      const elapsed = Math.min(this.processSamples, this.streamSamples);
      if (this.stopped || elapsed > 4 * this.sizing.latencySamples) return this.underrun();
      if (elapsed < this.sizing.latencySamples || this.jitter.size < this.sizing.latencyBlocks) {
        decoder.conceal(this.decoded);
        return this.pushDecoded();
      }
      this.playback = 'active';
      const at = this.streamSamples + this.sourceDelay + this.startOffset;
      this.schedule.add(at, (sampleOffset) => ({ type: 'StreamState', endpoint: this.endpoint, state: 'active', sampleOffset }));
      this.emit({
        type: 'StreamLatency',
        endpoint: this.endpoint,
        sourceLatency: this.sourceDelay / format.sampleRate,
        sinkLatency: 0,
        bufferLatency: (this.jitter.size * format.blockSize) / format.sampleRate,
      });
    }
    if (this.jitter.size === 0) return this.underrun();
    const block = this.jitter.at(0);
    if (block.complete) {
      const audioBytes = block.totalSize - block.messageSize;
      if (block.xrun) {
        this.xruns++;
        decoder.conceal(this.decoded);
      } else if (audioBytes <= 0 || !decoder.decode(block.data, block.messageSize, audioBytes, this.decoded)) {
        decoder.conceal(this.decoded);
      }
      if (block.messageSize > 0) this.scheduleMessages(block.data, block.messageSize);
      if (block.timestamp !== null && block.timestamp > 0n) {
        const sourceTime = block.timestamp;
        this.schedule.add(this.streamSamples + this.sourceDelay, (sampleOffset) => ({
          type: 'StreamTime',
          endpoint: this.endpoint,
          sourceTime,
          sinkTime: ntpFromSeconds(this.now + sampleOffset / this.settings.sampleRate),
          sampleOffset,
        }));
      }
      this.channelOnset = block.channel;
    } else {
      this.dropped++;
      this.droppedSinceLastPong++;
      decoder.conceal(this.decoded);
    }
    this.jitter.pop();
    return this.pushDecoded();
  }

  private scheduleMessages(data: Uint8Array, size: number): void {
    const base = this.streamSamples;
    readStreamMessages(data, 0, size, (offset, channel, dataType, bytes) => {
      const copy = bytes.slice();
      this.schedule.add(base + offset, (sampleOffset) => ({ type: 'StreamMessage', endpoint: this.endpoint, sampleOffset, channel, dataType, data: copy }));
    });
  }

  private pushDecoded(): boolean {
    this.fifo.write(this.decoded, this.format!.blockSize);
    this.streamSamples += this.format!.blockSize;
    return true;
  }

  private underrun(): boolean {
    this.setPlayback('inactive');
    if (this.stopped) {
      this.streamActive = false;
      this.state = 'idle';
      this.emit({ type: 'StreamStop', endpoint: this.endpoint });
    } else this.underrunSince = this.now;
    return false;
  }
}
