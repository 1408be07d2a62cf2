/** What a Sink keeps per source (spec §7.2): stream state, jitter buffer and playout. */
import type { Decoder, StreamFormat } from '../codec/codec.ts';
import { type ResampleMode, Resampler } from '../dsp/resampler/resampler.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import type { SinkData } from '../protocol/aoo/sink/data.ts';
import type { FrameRequest } from '../protocol/aoo/source/data-request.ts';
import { readStreamMessages } from '../protocol/aoo/stream-messages.ts';
import { type NtpTime, ntpFromSeconds } from '../protocol/ntp.ts';
import { type BufferSizing, bufferSizing } from './buffer-sizing.ts';
import { FillControl } from './fill-control.ts';
import type { Endpoint } from './endpoint.ts';
import type { SinkEvent, StreamStateName } from './events.ts';
import { JitterBuffer } from './jitter-buffer.ts';
import { SampleSchedule } from './sample-schedule.ts';

export type RemoteSourceState = 'idle' | 'start' | 'run' | 'stop' | 'invite' | 'uninvite' | 'timeout';

/** The sink's settings a source needs for playout. */
export interface PlayoutSettings {
  readonly blockSize: number;
  readonly sampleRate: number;
  readonly latency: number;
  readonly bufferSize: number;
  readonly resampleMode: ResampleMode;
  /** Follow the source's clock (its `d`, spec §5.5, and the buffer level) against the sink's. */
  readonly dynamicResampling: boolean;
}

/** Real rates (`d`) further than this from the nominal rate are not believed. */
const MAX_RATE_DEVIATION = 0.01;

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
  /** The source's codec delay, samples at the format rate: stream messages wait for their audio. */
  codecDelay = 0;
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
  private resampler: Resampler | null = null;
  private fill: FillControl | null = null;
  private decoded = new Float32Array(0);
  /** Real sample rate of the source in format units, from the last decoded block's `d`. */
  private sourceRate = 0;
  private badRateReported = false;
  private sizing: BufferSizing = { latencyBlocks: 1, latencySamples: 0, capacity: 1 };
  private processSamples = 0;
  /** Stream samples pushed into the resampler since the last reset. */
  private streamSamples = 0;

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
      const { resampleMode: mode, dynamicResampling: dynamic } = this.settings;
      const maxBlocks = { maxInputBlock: format.blockSize, maxOutputBlock: blockSize };
      this.resampler = new Resampler({ channels: format.channels, inputRate: format.sampleRate, outputRate: sampleRate, mode, dynamic, ...maxBlocks });
      this.decoded = new Float32Array(format.channels * format.blockSize);
      this.output = new Float32Array(format.channels * blockSize);
    }
    this.sourceRate = format.sampleRate;
    // The level buffering ends at (spec §7.5): the latency rounded up to whole stream blocks.
    this.fill = new FillControl(this.sizing.latencyBlocks * format.blockSize, format.sampleRate, blockSize / sampleRate);
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
   * Produces one sink block into `output`; false if the source has no audio now. `sinkRate` is
   * the sink clock's measured rate (its nominal rate without dynamic resampling).
   * Sample-accurate events come out through `emit` with offsets into this block.
   */
  pull(sinkRate: number): boolean {
    const frames = this.settings.blockSize;
    const resampler = this.resampler;
    if (this.decoder === null || resampler === null || this.playback === 'inactive') return false;
    this.processSamples += frames;
    if (this.playback === 'active') {
      const correction = this.fill!.update(this.bufferedSamples());
      if (resampler.dynamic) resampler.setRatio(this.sourceRate * (1 + correction), sinkRate);
    }
    while (resampler.availableFrames() < frames) if (!this.decodeNext()) return false;
    this.schedule.due(resampler.readPosition(), resampler.step, frames, this.emit);
    resampler.pull(this.output, frames);
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

  /** Seconds of stream audio in the jitter buffer and the resampler, averaged; 0 until playing. */
  bufferLatency(): number {
    const level = this.fill?.level ?? Number.NaN;
    return Number.isNaN(level) ? 0 : level / this.format!.sampleRate;
  }

  private bufferedSamples(): number {
    return this.jitter.size * this.format!.blockSize + this.resampler!.bufferedFrames();
  }

  private setPlayback(state: StreamStateName): void {
    this.playback = state;
    this.emit({ type: 'StreamState', endpoint: this.endpoint, state, sampleOffset: 0 });
  }

  private resetPlayout(): void {
    const resampler = this.resampler;
    if (resampler !== null) {
      resampler.reset();
      if (resampler.dynamic) resampler.setRatio(this.format!.sampleRate, this.settings.sampleRate);
    }
    this.fill?.reset();
    this.schedule.clear();
    this.processSamples = 0;
    this.streamSamples = 0;
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
      // Buffering ends when the latency is in the jitter buffer. The reference also waits for
      // `latencySamples` of processing ("blocks AND samples", spec §7.5), which adds what arrived
      // before buffering began: up to a block more latency than set.
      const elapsed = Math.min(this.processSamples, (this.streamSamples * this.settings.sampleRate) / format.sampleRate);
      if (this.stopped || elapsed > 4 * this.sizing.latencySamples) return this.underrun();
      if (this.jitter.size < this.sizing.latencyBlocks) {
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
        sinkLatency: this.resampler!.latency() / this.settings.sampleRate,
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
      this.takeSourceRate(block.sampleRate);
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
    const base = this.streamSamples + this.codecDelay;
    readStreamMessages(data, 0, size, (offset, channel, dataType, bytes) => {
      const copy = bytes.slice();
      this.schedule.add(base + offset, (sampleOffset) => ({ type: 'StreamMessage', endpoint: this.endpoint, sampleOffset, channel, dataType, data: copy }));
    });
  }

  private takeSourceRate(rate: number | null): void {
    const nominal = this.format!.sampleRate;
    if (rate === null) this.sourceRate = nominal;
    else if (Math.abs(rate / nominal - 1) <= MAX_RATE_DEVIATION) this.sourceRate = rate;
    else if (!this.badRateReported) {
      this.badRateReported = true;
      this.emit({ type: 'Error', endpoint: this.endpoint, message: `ignoring real sample rate ${rate} of a ${nominal} Hz stream` });
    }
  }

  private pushDecoded(): boolean {
    this.resampler!.push(this.decoded, this.format!.blockSize);
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
