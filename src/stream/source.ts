/** The sending end of AOO streams (spec §6): one audio stream, sent to any number of sinks. */
import type { StreamFormat } from '../codec/codec.ts';
import { TimeDll } from '../dsp/dll.ts';
import type { ResampleMode } from '../dsp/resampler/resampler.ts';
import { AOO_VERSION, PACKET_SIZE_DEFAULT, PACKET_SIZE_MAX } from '../protocol/aoo/constants.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import type { AooMessage } from '../protocol/aoo/messages.ts';
import { streamMessageSectionSize, writeStreamMessages } from '../protocol/aoo/stream-messages.ts';
import { type NtpTime, ntpAdd, ntpFromSeconds } from '../protocol/ntp.ts';
import { type Random, randomInt31 } from '../util/random.ts';
import { DataFrameWriter } from './data-frames.ts';
import { EncodePipeline, type PipelineSettings, UNSENT_BLOCKS_MAX } from './encode-pipeline.ts';
import { type Endpoint, type PacketOut, type SocketAddress, endpointOf } from './endpoint.ts';
import { EndpointMap } from './endpoint-map.ts';
import { EventQueue } from './event-queue.ts';
import type { SourceEvent } from './events.ts';
import { MessageWriter } from './message-writer.ts';
import { OutgoingStreamMessages, type StreamMessageInput } from './outgoing-stream-messages.ts';
import { ReplyQueue } from './reply-queue.ts';
import { declineReply, pongReply, stopNotice } from './source-replies.ts';
import { addSequence, nextSequence } from './sequence.ts';
import { type SettingError, checkInteger, checkSeconds, orThrow } from './setting-checks.ts';
import { SinkEntry } from './sink-entry.ts';

export interface SourceOptions {
  readonly id: number;
  readonly format: StreamFormat;
  /** Samples per channel of the blocks passed to `process()`. */
  readonly processBlockSize: number;
  /** Sample rate of the blocks passed to `process()` (the host's); converted to the format's. */
  readonly sampleRate: number;
  /** Default 'sinc' (band-limited); 'cubic' and 'linear' as the reference (spec §9.3). */
  readonly resampleMode?: ResampleMode;
  /**
   * Measure the real rate of the host clock (time DLL over the `process()` times) and send it
   * with every block (`d`, spec §5.5), so sinks can follow it. Default on.
   */
  readonly dynamicResampling?: boolean;
  /** Time DLL bandwidth in Hz (spec §9.2); default 0.012. */
  readonly dllBandwidth?: number;
  readonly random: Random;
  readonly packetSize?: number;
  /** Seconds of sent blocks kept for resend requests; 0 disables resending. */
  readonly resendBufferSeconds?: number;
  /** How many times every block is sent (1…16). */
  readonly redundancy?: number;
  /** Seconds between pings to the sinks; 0 = none. */
  readonly pingInterval?: number;
  /** Seconds between stream timestamps in `/data`; 0 = none. */
  readonly streamTimeInterval?: number;
  /** Binary `/data` (default) or OSC. */
  readonly binary?: boolean;
  /**
   * Sequence number of the first block of every stream. The spec's is 0 (§6.2); other values
   * let tests cross the sequence wrap (§5.1) without sending 2³¹ blocks first.
   */
  readonly firstSequence?: number;
}

/** Largest resend buffer: the history holds that much encoded audio. */
const MAX_RESEND_BUFFER = 60;

const checkPacketSize = (bytes: number): SettingError => checkInteger('packet size', bytes, 146, PACKET_SIZE_MAX);
const checkPingInterval = (seconds: number): SettingError => checkSeconds('ping interval', seconds, 0, Infinity);
const checkResendBuffer = (seconds: number): SettingError => checkSeconds('resend buffer size', seconds, 0, MAX_RESEND_BUFFER);
const checkRedundancy = (times: number): SettingError => checkInteger('redundancy', times, 1, 16);
const checkStreamTimeInterval = (seconds: number): SettingError => checkSeconds('stream time interval', seconds, 0, Infinity);

type SourceState = 'idle' | 'start' | 'run' | 'stop';

/**
 * Time arguments are seconds on the NTP timescale (seconds since 1900, e.g.
 * `ntpToSeconds(now)`), so they convert to wire timetags directly.
 */
export class Source {
  readonly id: number;
  private readonly random: Random;
  private readonly processBlockSize: number;
  private readonly firstSequence: number;
  private redundancy: number;
  private pingInterval: number;
  private pipelineSettings: PipelineSettings;
  private pipeline: EncodePipeline;
  private readonly dll: TimeDll | null;
  private readonly frames: DataFrameWriter;
  private readonly writer = new MessageWriter();
  private readonly sinks = new EndpointMap<SinkEntry>();
  private readonly events = new EventQueue<SourceEvent>();
  private readonly messages = new OutgoingStreamMessages();
  /** Replies and notices for `send()`; built when sent, so `/pong` gets the send time. */
  private readonly pending = new ReplyQueue();

  private state: SourceState = 'idle';
  private metadata: AooData | null = null;
  /** Spec §6.2 start/stop offsets, in host samples into the next process block. */
  private startOffset = 0;
  private stopOffset = 0;
  /** Stream blocks lost to host xruns, not yet sent as xrun blocks (spec §6.6). */
  private xrunBlocks = 0;
  private now = 0;
  private startTime: NtpTime = 0n;
  private sequence = 0;
  private unsent = 0;
  private processSamples = 0;
  private encodedSamples = 0;
  private lastPing = -Infinity;

  constructor(options: SourceOptions) {
    if (!(Number.isInteger(options.processBlockSize) && options.processBlockSize > 0)) {
      throw new Error(`bad process block size ${options.processBlockSize}`);
    }
    const { packetSize = PACKET_SIZE_DEFAULT, pingInterval = 1, resendBufferSeconds = 1, redundancy = 1, streamTimeInterval = 1 } = options;
    orThrow(checkPacketSize(packetSize));
    orThrow(checkPingInterval(pingInterval));
    orThrow(checkResendBuffer(resendBufferSeconds));
    orThrow(checkRedundancy(redundancy));
    orThrow(checkStreamTimeInterval(streamTimeInterval));
    this.id = options.id;
    this.random = options.random;
    this.processBlockSize = options.processBlockSize;
    this.firstSequence = addSequence(options.firstSequence ?? 0, 0);
    this.redundancy = redundancy;
    this.pingInterval = pingInterval;
    this.pipelineSettings = {
      processBlockSize: options.processBlockSize,
      sampleRate: options.sampleRate,
      resampleMode: options.resampleMode,
      resendBufferSeconds,
      streamTimeInterval,
    };
    this.pipeline = new EncodePipeline(options.format, this.pipelineSettings, this.random);
    this.dll = (options.dynamicResampling ?? true) ? new TimeDll(options.sampleRate, this.processBlockSize, options.dllBandwidth) : null;
    this.frames = new DataFrameWriter(this.id, packetSize, options.binary ?? true, this.writer);
  }

  // ---- settings: each takes effect from the next block; a bad value changes nothing

  /** Largest `/data` datagram in bytes (spec §1.5: 146…4096), for blocks encoded from now on. */
  setPacketSize(bytes: number): SettingError {
    const error = checkPacketSize(bytes);
    if (error === null) this.frames.packetSize = bytes;
    return error;
  }

  /** Seconds between pings to each active sink; 0 = none. */
  setPingInterval(seconds: number): SettingError {
    const error = checkPingInterval(seconds);
    if (error === null) this.pingInterval = seconds;
    return error;
  }

  /** Seconds of sent blocks kept for resend requests; 0 = resending off (spec §6.1). */
  setResendBufferSeconds(seconds: number): SettingError {
    const error = checkResendBuffer(seconds);
    if (error !== null) return error;
    this.pipelineSettings = { ...this.pipelineSettings, resendBufferSeconds: seconds };
    this.pipeline.setResendBuffer(seconds);
    return null;
  }

  /** How many times every block is sent (1…16, spec §5.2). */
  setRedundancy(times: number): SettingError {
    const error = checkRedundancy(times);
    if (error === null) this.redundancy = times;
    return error;
  }

  /** Seconds between stream timestamps in `/data` (spec §5.4); 0 = none. */
  setStreamTimeInterval(seconds: number): SettingError {
    const error = checkStreamTimeInterval(seconds);
    if (error !== null) return error;
    this.pipelineSettings = { ...this.pipelineSettings, streamTimeInterval: seconds };
    this.pipeline.setStreamTimeInterval(seconds);
    return null;
  }

  /** Sets a local option of the encoder (Opus: bitrate, complexity, signal; spec §10.2): an error text, or null. */
  setCodecOption(name: string, value: number | string): string | null {
    return this.pipeline.encoder.setOption(name, value);
  }

  /** A local option of the encoder; undefined if its codec has no such option. */
  codecOption(name: string): number | string | undefined {
    return this.pipeline.encoder.getOption(name);
  }

  /**
   * Clears the resampler, the encoder and the blocks not sent yet: a running stream restarts
   * in the next `process()` (new stream IDs, `/start` to every sink), as after a format change.
   * A stream starting does that anyway, so otherwise nothing changes.
   */
  reset(): void {
    if (this.state === 'run') this.state = 'start';
  }

  /** The stream format, as validated by its codec. */
  get format(): StreamFormat {
    return this.pipeline.format;
  }

  /**
   * Changes the stream format (spec §6.2): a new format ID, and a running stream restarts in
   * the next `process()` with new stream IDs and a `/start` to every sink. Throws for an
   * unknown codec, changing nothing.
   */
  setFormat(format: StreamFormat): void {
    this.pipeline = new EncodePipeline(format, this.pipelineSettings, this.random);
    this.unsent = 0;
    if (this.state === 'run') this.state = 'start';
  }

  // ---- sinks (spec §6.3)

  addSink(ep: Endpoint, active = true): void {
    if (this.sinks.find(ep) !== undefined) return;
    const sink = new SinkEntry(ep, false);
    this.sinks.add(ep, sink);
    if (active) this.activate(sink);
  }

  removeSink(ep: Endpoint): void {
    const sink = this.sinks.find(ep);
    if (sink === undefined) return;
    if (sink.active) this.queueStop(sink.endpoint, sink.streamId);
    this.sinks.delete(ep);
  }

  activateSink(ep: Endpoint, active: boolean): void {
    const sink = this.sinks.find(ep);
    if (sink === undefined || sink.active === active) return;
    if (active) this.activate(sink);
    else this.deactivate(sink);
  }

  setSinkChannelOffset(ep: Endpoint, channel: number): void {
    const sink = this.sinks.find(ep);
    if (sink !== undefined) sink.channel = channel;
  }

  /** Accepts (the token becomes the stream ID) or declines an invitation (spec §6.5). */
  handleInvite(ep: Endpoint, token: number, accept: boolean): void {
    if (!accept) {
      this.pending.push(declineReply(ep, this.id, token));
      return;
    }
    this.addSink(ep, false);
    const sink = this.sinks.find(ep)!;
    sink.active = true;
    sink.streamId = token;
    sink.needsStart = this.running;
    sink.dataRequests.length = 0;
  }

  /** Accepting stops the stream to that sink; declining does nothing (the sink times out). */
  handleUninvite(ep: Endpoint, token: number, accept: boolean): void {
    const sink = this.sinks.find(ep);
    if (!accept || sink === undefined || !sink.active) return;
    sink.active = false;
    sink.streamId = -1;
    if (this.running) this.queueStop(ep, token);
  }

  // ---- stream (spec §6.2)

  /** Starts a stream in the next `process()`; it begins `sampleOffset` samples into that block. */
  startStream(metadata: AooData | null = null, sampleOffset = 0): void {
    this.metadata = metadata;
    this.startOffset = sampleOffset;
    this.state = 'start';
  }

  /** Stops the stream in the next `process()`, `sampleOffset` samples into that block. */
  stopStream(sampleOffset = 0): void {
    this.stopOffset = sampleOffset;
    if (this.state === 'run') this.state = 'stop';
    else if (this.state === 'start') this.state = 'idle';
  }

  /**
   * The host lost `samples` samples (a dropout): the sinks get that many stream blocks as
   * xrun blocks (spec §6.6), so the stream keeps its timing, and the clock estimate restarts.
   */
  reportXRun(samples: number): void {
    if (!(samples > 0) || this.state !== 'run') return;
    const { format } = this.pipeline;
    this.xrunBlocks += (samples * format.sampleRate) / this.pipelineSettings.sampleRate / format.blockSize;
    this.dll?.reset();
  }

  /** Adds a message for the next `process()` block, at `sampleOffset` within it. */
  addStreamMessage(m: StreamMessageInput): void {
    this.messages.add(m);
  }

  /** Takes one planar block of `processBlockSize` samples per channel. */
  process(block: Float32Array, time: number): void {
    this.now = time;
    if (this.state === 'idle') return;
    if (this.state === 'stop') {
      const offset = Math.round(this.stopOffset / this.pipeline.resampler.step);
      for (const sink of this.sinks.values) if (sink.active) this.queueStop(sink.endpoint, sink.streamId, this.sequence, offset);
      this.state = 'idle';
      return;
    }
    if (this.state === 'start') {
      this.newStream(time);
      this.state = 'run';
    }
    this.dll?.update(time);
    this.encodeXRunBlocks();
    const { resampler, encodeInput, format } = this.pipeline;
    this.messages.pin(this.streamPosition);
    resampler.push(block, this.processBlockSize);
    this.processSamples += this.processBlockSize;
    while (resampler.pull(encodeInput, format.blockSize)) this.encodeBlock();
  }

  /** Handles a message addressed to this source (`/aoo/src/<id>/…`). */
  handleMessage(msg: AooMessage, from: SocketAddress, time: number): void {
    if (!msg.kind.startsWith('source/') || !('sourceId' in msg) || msg.sourceId !== this.id || !('sinkId' in msg)) return;
    const sink = this.sinks.get(from.address, from.port, msg.sinkId);
    const ep = sink?.endpoint ?? endpointOf(from, msg.sinkId);
    const active = sink !== undefined && sink.active;
    switch (msg.kind) {
      case 'source/start':
        if (active) sink.needsStart = true;
        break;
      case 'source/stop':
        if (sink !== undefined && (this.state === 'idle' || !sink.active)) this.queueStop(ep, msg.streamId);
        break;
      case 'source/data':
        if (this.pipeline.resendBlocks > 0 && active && msg.streamId === sink.streamId) sink.dataRequests.push(...msg.requests);
        break;
      case 'source/invite':
        this.receiveInvite(sink, ep, msg.token, msg.metadata);
        break;
      case 'source/uninvite':
        if (active && msg.token === sink.streamId) {
          if (!sink.uninviteTokens.has(msg.token)) {
            sink.uninviteTokens.add(msg.token);
            this.events.push({ type: 'Uninvite', endpoint: sink.endpoint, token: msg.token });
          }
        } else this.queueStop(ep, msg.token);
        break;
      case 'source/ping':
        if (active) this.pending.push(pongReply(ep, this.id, msg.t1, ntpFromSeconds(time)));
        break;
      case 'source/pong':
        if (active) {
          const { t1, t2, t3 } = msg;
          this.events.push({ type: 'SinkPing', endpoint: sink.endpoint, t1, t2, t3, t4: ntpFromSeconds(time), packetLoss: msg.packetLoss ?? 0 });
        }
        break;
    }
  }

  /** Writes everything due (spec §6.4): replies, `/start`, data, resends, pings. */
  send(out: PacketOut): void {
    // Blocks encoded before a stop still leave, and ahead of the /stop that follows them.
    if (this.state === 'run' || this.unsent > 0) {
      if (this.encodedSamples > 0 || this.unsent > 0) this.sendStarts(out);
      this.sendBlocks(out);
    }
    if (!this.pending.isEmpty) this.pending.flush(this.now, this.writer, out);
    if (this.state !== 'run') return;
    this.sendResends(out);
    if (this.pingInterval > 0 && this.now - this.lastPing >= this.pingInterval) {
      this.lastPing = this.now;
      const t1 = ntpFromSeconds(this.now);
      for (const sink of this.sinks.values) {
        if (sink.active) this.writer.write({ kind: 'sink/ping', sinkId: sink.sinkId, sourceId: this.id, t1 }, sink.endpoint, out);
      }
    }
  }

  pollEvents(): readonly SourceEvent[] {
    return this.events.pollIfAny();
  }

  private get running(): boolean {
    return this.state === 'start' || this.state === 'run';
  }

  private activate(sink: SinkEntry): void {
    sink.active = true;
    sink.streamId = randomInt31(this.random);
    sink.needsStart = this.running;
    sink.dataRequests.length = 0;
  }

  private deactivate(sink: SinkEntry): void {
    if (this.running) this.queueStop(sink.endpoint, sink.streamId);
    sink.active = false;
    sink.streamId = -1;
  }

  private receiveInvite(sink: SinkEntry | undefined, ep: Endpoint, token: number, metadata: AooData | null): void {
    let entry = sink;
    if (entry === undefined) {
      entry = new SinkEntry(ep, false);
      this.sinks.add(ep, entry);
      this.events.push({ type: 'SinkAdd', endpoint: ep });
    }
    if (entry.inviteTokens.has(token)) return;
    entry.inviteTokens.add(token);
    this.events.push({ type: 'Invite', endpoint: entry.endpoint, token, metadata });
  }

  private queueStop(to: Endpoint, streamId: number, lastSequence = this.sequence, offset = 0): void {
    this.pending.push(stopNotice(to, this.id, streamId, lastSequence, offset));
  }

  private newStream(time: number): void {
    this.sequence = this.firstSequence;
    this.unsent = 0;
    this.processSamples = 0;
    this.encodedSamples = 0;
    this.startTime = ntpFromSeconds(time);
    this.lastPing = -Infinity;
    this.xrunBlocks = 0;
    this.pipeline.history.reset();
    this.pipeline.encoder.reset();
    this.pipeline.resampler.reset();
    this.dll?.reset();
    this.messages.clearScheduled();
    for (const sink of this.sinks.values) if (sink.active) this.activate(sink);
  }

  /** Stream sample position (format rate) of a sample of the process block about to be pushed. */
  private readonly streamPosition = (sampleOffset: number): number => {
    const { resampler } = this.pipeline;
    return this.encodedSamples + Math.round((this.processSamples + sampleOffset - resampler.readPosition()) / resampler.step);
  };

  /** Spec §6.4 step 3: empty blocks with the xrun flag stand for audio the host lost. */
  private encodeXRunBlocks(): void {
    if (this.xrunBlocks < 0.5) return;
    const count = Math.round(this.xrunBlocks);
    this.xrunBlocks -= count;
    const { history, format } = this.pipeline;
    for (let i = 0; i < count; i++) {
      const block = history.slot(this.sequence);
      this.messages.take(this.encodedSamples, format.blockSize);
      block.messageSize = 0;
      block.totalSize = 0;
      block.frameBytes = this.frames.maxFrameBytes;
      block.xrun = true;
      block.sampleRate = 0;
      block.timestamp = null;
      this.advance();
    }
  }

  private advance(): void {
    this.sequence = nextSequence(this.sequence);
    this.encodedSamples += this.pipeline.format.blockSize;
    this.unsent = Math.min(this.unsent + 1, UNSENT_BLOCKS_MAX);
  }

  private encodeBlock(): void {
    const { format, encoder, encodeInput, history, timestampPeriod } = this.pipeline;
    const { blockSize, sampleRate } = format;
    const block = history.slot(this.sequence);
    const due = this.messages.take(this.encodedSamples, blockSize);
    let messageSize = 0;
    if (due.length > 0) {
      block.reserve(streamMessageSectionSize(due) + encoder.maxBlockBytes);
      messageSize = writeStreamMessages(block.data, 0, due);
      if (messageSize < 0) throw new Error('stream message too large');
    }
    const audio = encoder.encode(encodeInput, block.data, messageSize);
    if (audio < 0) throw new Error(`${format.codec} encoder failed`);
    block.messageSize = messageSize;
    block.totalSize = messageSize + audio;
    block.frameBytes = this.frames.maxFrameBytes;
    block.xrun = false;
    block.sampleRate = this.dll === null ? 0 : (this.dll.sampleRate * sampleRate) / this.dll.nominalRate;
    block.timestamp =
      timestampPeriod > 0 && this.sequence % timestampPeriod === 0 ? ntpAdd(this.startTime, this.encodedSamples / sampleRate) : null;
    this.advance();
  }

  private sendStarts(out: PacketOut): void {
    const seqStart = addSequence(this.sequence, -this.unsent);
    const { format, formatId, encoder, resampler } = this.pipeline;
    const samplesSent = this.encodedSamples - this.unsent * format.blockSize;
    for (const sink of this.sinks.values) {
      if (!sink.active || !sink.needsStart) continue;
      sink.needsStart = false;
      this.writer.write(
        {
          kind: 'sink/start',
          sinkId: sink.sinkId,
          sourceId: this.id,
          version: AOO_VERSION,
          streamId: sink.streamId,
          seqStart,
          formatId,
          format,
          startTime: ntpAdd(this.startTime, samplesSent / format.sampleRate),
          latency: this.reblockLatency,
          codecDelay: encoder.delay,
          metadata: this.metadata,
          offset: Math.round(this.startOffset / resampler.step),
        },
        sink.endpoint,
        out,
      );
    }
  }

  /** Spec §6.2 `/start` latency: reblocking plus resampling delay, in format samples. */
  private get reblockLatency(): number {
    const { format, resampler } = this.pipeline;
    return Math.max(0, Math.round(format.blockSize - this.processBlockSize / resampler.step + resampler.latency()));
  }

  private sendBlocks(out: PacketOut): void {
    const sinks = this.sinks.values;
    for (let age = this.unsent - 1; age >= 0; age--) {
      const block = this.pipeline.history.recent(age)!;
      const frameCount = this.frames.frameCount(block);
      for (let k = 0; k < sinks.length; k++) {
        const sink = sinks[k]!;
        if (!sink.active) continue;
        for (let r = 0; r < this.redundancy; r++) {
          for (let i = 0; i < frameCount; i++) this.frames.write(block, i, sink, false, out);
        }
      }
    }
    this.unsent = 0;
  }

  private sendResends(out: PacketOut): void {
    const { history, resendBlocks } = this.pipeline;
    for (const sink of this.sinks.values) {
      if (sink.dataRequests.length === 0) continue;
      let count = 0;
      for (const req of sink.dataRequests) {
        const block = sink.active ? history.find(req.sequence, resendBlocks) : undefined;
        if (block === undefined) continue;
        const frameCount = this.frames.frameCount(block);
        for (let i = 0; i < frameCount; i++) {
          const wanted = req.offset < 0 || (i >= req.offset && i < req.offset + 16 && (req.bitset & (1 << (i - req.offset))) !== 0);
          if (!wanted) continue;
          this.frames.write(block, i, sink, true, out);
          count++;
        }
      }
      sink.dataRequests.length = 0;
      if (count > 0) this.events.push({ type: 'FrameResend', endpoint: sink.endpoint, count });
    }
  }
}
