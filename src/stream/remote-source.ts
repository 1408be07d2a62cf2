/** What a Sink keeps per source (spec §7.2): stream state, jitter buffer and playout. */
import type { Decoder, StreamFormat } from '../codec/codec.ts';
import { type RateRatio, type ResampleMode, Resampler } from '../dsp/resampler/resampler.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import type { SinkData } from '../protocol/aoo/sink/data.ts';
import type { FrameRequest } from '../protocol/aoo/source/data-request.ts';
import { STREAM_MESSAGE_MAX_SIZE } from '../protocol/aoo/constants.ts';
import { readStreamMessages } from '../protocol/aoo/stream-messages.ts';
import { type NtpTime, ntpFromSeconds } from '../protocol/ntp.ts';
import { type BufferSizing, bufferSizing } from './buffer-sizing.ts';
import { FillControl } from './fill-control.ts';
import type { Endpoint } from './endpoint.ts';
import type { SinkEvent, StreamStateName } from './events.ts';
import { JitterBuffer } from './jitter-buffer.ts';
import { SampleSchedule } from './sample-schedule.ts';
import { isSequence, sequenceDistance } from './sequence.ts';

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

/**
 * Largest block a source of this format can send: audio of at most 8 bytes per sample (PCM
 * float64; Opus stays below, spec §10.2) and one stream message of the largest size (§1.5).
 * Bigger blocks are refused: they would only fill the jitter buffer's memory.
 */
function maxBlockBytes(format: StreamFormat): number {
  return 8 * format.channels * format.blockSize + 4 + 8 + STREAM_MESSAGE_MAX_SIZE;
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
  /** Concealed blocks still to play before the next received one: the latency grew (spec §7.5 buffering). */
  private silentBlocks = 0;
  /** The latency changed while playing: a StreamLatency event follows once the buffer holds the new one. */
  private latencyChanged = false;
  private badSequenceReported = false;
  private badSizeReported = false;
  private readonly schedule = new SampleSchedule<SinkEvent>();
  private resampler: Resampler | null = null;
  private fill: FillControl | null = null;
  private decoded = new Float32Array(0);
  /** Real sample rate of the source in format units, from the last decoded block's `d`. */
  private sourceRate = 0;
  /** The sink clock's measured rate (its nominal rate without dynamic resampling); the sink sets it before `pull()`. */
  sinkRate = 0;
  /** What the resampler follows while playing (read by `followRatio`, so no number crosses a call). */
  private readonly ratio: RateRatio = { inputRate: 0, outputRate: 0 };
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
    this.jitter.reset(seqStart, this.sizing.capacity);
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

  /** Adds a frame of the current stream (spec §7.4); sequence numbers may wrap (§5.1). */
  addFrame(f: SinkData): void {
    if (!isSequence(f.sequence)) {
      this.reportOnce('badSequenceReported', `ignoring /data with sequence number ${f.sequence}`);
      return;
    }
    if (this.format === null) return;
    if (f.totalSize > maxBlockBytes(this.format)) {
      this.reportOnce('badSizeReported', `ignoring /data of a ${f.totalSize}-byte block`);
      return;
    }
    if (this.playback === 'inactive' && !this.stopped && this.state === 'run') this.recoverFromUnderrun(f.sequence);
    const jb = this.jitter;
    if (jb.position(f.sequence) <= 0) return; // late
    let block = jb.find(f.sequence);
    if (block === undefined) {
      if (sequenceDistance(jb.newest, f.sequence) > jb.free) {
        jb.reset(f.sequence);
        this.resetPlayout();
        this.emit({ type: 'BufferOverrun', endpoint: this.endpoint });
        if (this.state === 'run') this.setPlayback('buffering');
      }
      do block = jb.append();
      while (block.sequence !== f.sequence);
    } else if (!block.placeholder && block.complete) return; // duplicate
    if (block.placeholder) {
      jb.reserve(f.totalSize);
      block.initFrom(f);
    }
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
  pull(emit = this.emit): boolean {
    const frames = this.settings.blockSize;
    const resampler = this.resampler;
    if (this.decoder === null || resampler === null || this.playback === 'inactive') return false;
    this.processSamples += frames;
    if (this.playback === 'active') {
      const fill = this.fill!;
      fill.update(this.jitter.size * this.format!.blockSize, resampler);
      if (resampler.dynamic) {
        const ratio = this.ratio;
        ratio.inputRate = this.sourceRate * (1 + fill.correction);
        ratio.outputRate = this.sinkRate;
        resampler.followRatio(ratio);
      }
    }
    while (resampler.availableFrames() < frames) if (!this.decodeNext()) return false;
    this.schedule.due(resampler, frames, emit);
    resampler.pull(this.output, frames);
    return true;
  }

  /**
   * Plays one sink block into nothing: the host skipped it (a sink xrun, spec §7.5), so its
   * audio is lost, not delayed. Its stream messages and times go with it; a state change in it
   * still comes out, at the start of the block being processed.
   */
  skip(): void {
    this.pull(this.emitSkipped);
  }

  /**
   * The sink's latency or buffer size changed (spec §7.3). While playing, a longer latency
   * plays that many more concealed blocks before the next received one (as buffering does,
   * spec §7.5); a shorter one drops the oldest blocks. Either way the stream keeps its sample
   * positions: what plays later is later by exactly the change.
   */
  resize(): void {
    const format = this.format;
    if (format === null) return;
    const { blockSize, sampleRate, latency, bufferSize } = this.settings;
    const old = this.sizing;
    this.sizing = bufferSizing(format, blockSize, sampleRate, latency, bufferSize);
    if (this.playback === 'active' && this.sizing.latencyBlocks !== old.latencyBlocks) {
      const silence = this.silentBlocks + this.sizing.latencyBlocks - old.latencyBlocks;
      this.silentBlocks = Math.max(0, silence);
      this.jitter.drop(-silence);
      this.latencyChanged = true;
    }
    this.jitter.resize(this.sizing.capacity);
    this.fill?.setTarget(this.sizing.latencyBlocks * format.blockSize);
  }

  /**
   * Resend requests for incomplete blocks (spec §7.6), oldest first: blocks not asked for in
   * the last `resendInterval` seconds, up to `resendLimit` of them.
   */
  requestMissing(now: number, settings: { readonly resendInterval: number; readonly resendLimit: number }): void {
    const { resendInterval: interval, resendLimit: limit } = settings;
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
    this.silentBlocks = 0;
    this.latencyChanged = false;
    this.processSamples = 0;
    this.streamSamples = 0;
    this.underrunSince = -1;
  }

  private recoverFromUnderrun(sequence: number): void {
    this.jitter.reset(sequence);
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
      this.scheduleActive(this.streamSamples + this.sourceDelay + this.startOffset);
      this.emitLatency();
    }
    if (this.silentBlocks > 0) {
      this.silentBlocks--;
      decoder.conceal(this.decoded);
      return this.pushDecoded();
    }
    if (this.latencyChanged) {
      this.latencyChanged = false;
      this.emitLatency();
    }
    if (this.jitter.size === 0) return this.underrun();
    const block = this.jitter.at(0);
    if (block.complete) {
      const audioBytes = block.totalSize - block.messageSize;
      if (block.xrun) {
        this.xruns++;
        decoder.conceal(this.decoded);
      } else if (audioBytes <= 0 || !decoder.decode(block.bytes, block.offset + block.messageSize, audioBytes, this.decoded)) {
        decoder.conceal(this.decoded);
      }
      if (block.messageSize > 0) this.scheduleMessages(block.bytes, block.offset, block.messageSize);
      this.takeSourceRate(block.sampleRate);
      if (block.timestamp !== null && block.timestamp > 0n) this.scheduleTime(this.streamSamples + this.sourceDelay, block.timestamp);
      this.channelOnset = block.channel;
    } else {
      this.dropped++;
      this.droppedSinceLastPong++;
      decoder.conceal(this.decoded);
    }
    this.jitter.pop();
    return this.pushDecoded();
  }

  // Scheduled events are built by their own methods: a closure in decodeNext would cost it a
  // scope object on every call.

  private scheduleActive(position: number): void {
    this.schedule.add(position, (sampleOffset) => ({ type: 'StreamState', endpoint: this.endpoint, state: 'active', sampleOffset }));
  }

  private scheduleTime(position: number, sourceTime: NtpTime): void {
    this.schedule.add(position, (sampleOffset) => ({
      type: 'StreamTime',
      endpoint: this.endpoint,
      sourceTime,
      sinkTime: ntpFromSeconds(this.now + sampleOffset / this.settings.sampleRate),
      sampleOffset,
    }));
  }

  private emitLatency(): void {
    const format = this.format!;
    this.emit({
      type: 'StreamLatency',
      endpoint: this.endpoint,
      sourceLatency: this.sourceDelay / format.sampleRate,
      sinkLatency: this.resampler!.latency() / this.settings.sampleRate,
      bufferLatency: (this.jitter.size * format.blockSize) / format.sampleRate,
    });
  }

  private scheduleMessages(data: Uint8Array, start: number, size: number): void {
    const base = this.streamSamples + this.codecDelay;
    readStreamMessages(data, start, size, (offset, channel, dataType, bytes) => {
      const copy = bytes.slice();
      this.schedule.add(base + offset, (sampleOffset) => ({ type: 'StreamMessage', endpoint: this.endpoint, sampleOffset, channel, dataType, data: copy }));
    });
  }

  private takeSourceRate(rate: number): void {
    const nominal = this.format!.sampleRate;
    if (rate === 0) this.sourceRate = nominal;
    else if (Math.abs(rate / nominal - 1) <= MAX_RATE_DEVIATION) this.sourceRate = rate;
    else this.reportOnce('badRateReported', `ignoring real sample rate ${rate} of a ${nominal} Hz stream`);
  }

  /** Bad input from the source is reported once per kind, then only ignored. */
  private reportOnce(flag: 'badRateReported' | 'badSequenceReported' | 'badSizeReported', message: string): void {
    if (this[flag]) return;
    this[flag] = true;
    this.emit({ type: 'Error', endpoint: this.endpoint, message });
  }

  private readonly emitSkipped = (e: SinkEvent): void => {
    if (e.type === 'StreamMessage' || e.type === 'StreamTime') return;
    this.emit('sampleOffset' in e ? { ...e, sampleOffset: 0 } : e);
  };

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
