/** The receiving end of AOO streams (spec §7): any number of sources, summed into one output. */
import { codecByName } from '../codec/registry.ts';
import { TimeDll } from '../dsp/dll.ts';
import type { ResampleMode } from '../dsp/resampler/resampler.ts';
import { AOO_VERSION, PACKET_SIZE_DEFAULT, PACKET_SIZE_MAX } from '../protocol/aoo/constants.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import type { AooMessage } from '../protocol/aoo/messages.ts';
import type { SinkData } from '../protocol/aoo/sink/data.ts';
import type { SinkStart } from '../protocol/aoo/sink/start.ts';
import { checkVersion } from '../protocol/aoo/version.ts';
import { ntpFromSeconds } from '../protocol/ntp.ts';
import { type Random, randomInt31 } from '../util/random.ts';
import { type Endpoint, type PacketOut, type SocketAddress, endpointOf } from './endpoint.ts';
import { EndpointMap } from './endpoint-map.ts';
import { EventQueue } from './event-queue.ts';
import type { SinkEvent } from './events.ts';
import { MessageWriter } from './message-writer.ts';
import { bufferSizing } from './buffer-sizing.ts';
import { RemoteSource } from './remote-source.ts';
import { writeFrameRequests } from './frame-requests.ts';
import { ReplyQueue } from './reply-queue.ts';
import { type SettingError, checkInteger, checkSeconds, orThrow } from './setting-checks.ts';
import { inviteRequest, pingRequest, pongReply, stopRequest, uninviteRequest } from './sink-requests.ts';

export interface SinkOptions {
  readonly id: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly random: Random;
  /** Seconds of buffering before playout starts. */
  readonly latency?: number;
  /** Jitter-buffer size in seconds; 0 = 2 × latency. */
  readonly bufferSize?: number;
  readonly resend?: boolean;
  /**
   * Minimum seconds between two requests for the same block. Default 5 ms, half the
   * reference's: with 50 ms of latency and 10–25 ms round trips, 10 ms leaves about three
   * tries per lost block, and at 5 % loss each way one block in a thousand still missed its
   * deadline; 5 ms gave none in 60 s runs at ~9 % more packets.
   */
  readonly resendInterval?: number;
  /** Maximum blocks requested per `process()`. */
  readonly resendLimit?: number;
  /** Seconds without `/data` after which a silent source is removed; negative = never. */
  readonly sourceTimeout?: number;
  /** Seconds to wait for an answer to an (un)invitation; negative = forever. */
  readonly inviteTimeout?: number;
  /** Seconds between pings to the sources; 0 = none. */
  readonly pingInterval?: number;
  readonly packetSize?: number;
  /** Binary resend requests (default) or OSC. */
  readonly binary?: boolean;
  /** Default 'sinc' (band-limited); 'cubic' and 'linear' as the reference (spec §9.3). */
  readonly resampleMode?: ResampleMode;
  /**
   * Follow each source's clock against this sink's (time DLLs, spec §9): default on. Off, the
   * ratio is the nominal one and clocks that drift apart end in overruns or underruns.
   */
  readonly dynamicResampling?: boolean;
  /** Time DLL bandwidth in Hz (spec §9.2); default 0.012. */
  readonly dllBandwidth?: number;
}

const INVITE_INTERVAL = 0.1;
const STOP_INTERVAL = 1;
/** Largest latency and buffer size: the jitter buffers grow with them. */
const MAX_LATENCY = 10;
const MAX_BUFFER_SIZE = 60;

type Settings = { -readonly [K in keyof Required<SinkOptions>]: Required<SinkOptions>[K] };

/**
 * Time arguments are seconds on the NTP timescale (seconds since 1900), so they convert to
 * wire timetags directly. Packets are handled as they arrive; `process()` plays them out.
 */
export class Sink {
  readonly id: number;
  private readonly o: Settings;
  private readonly sources = new EndpointMap<RemoteSource>();
  private readonly events = new EventQueue<SinkEvent>();
  private readonly writer = new MessageWriter();
  private readonly pending = new ReplyQueue();
  private readonly emit = (e: SinkEvent): void => this.events.push(e);
  private readonly dll: TimeDll | null;
  private now = 0;
  /** Sink blocks the host skipped (`reportXRun`), not yet dropped from the sources. */
  private xrunBlocks = 0;

  constructor(options: SinkOptions) {
    this.o = {
      latency: 0.05,
      bufferSize: 0,
      resend: true,
      resendInterval: 0.005,
      resendLimit: 16,
      sourceTimeout: 10,
      inviteTimeout: 1,
      pingInterval: 1,
      packetSize: PACKET_SIZE_DEFAULT,
      binary: true,
      resampleMode: 'sinc',
      dynamicResampling: true,
      dllBandwidth: 0.012,
      ...options,
    };
    this.id = options.id;
    const o = this.o;
    for (const error of [
      this.setLatency(o.latency),
      this.setBufferSize(o.bufferSize),
      this.setPingInterval(o.pingInterval),
      this.setResendLimit(o.resendLimit),
      this.setResendInterval(o.resendInterval),
      this.setPacketSize(o.packetSize),
    ]) {
      orThrow(error);
    }
    this.dll = o.dynamicResampling ? new TimeDll(o.sampleRate, o.blockSize, o.dllBandwidth) : null;
  }

  // ---- settings: each takes effect in the next process() or send(); a bad value changes nothing

  /**
   * Seconds buffered before playout (spec §7.3). While a stream plays, a longer latency plays
   * silence (concealment) for the difference, a shorter one drops the oldest audio; then a
   * StreamLatency event reports the new buffer level.
   */
  setLatency(seconds: number): SettingError {
    return this.resizeAfter(checkSeconds('latency', seconds, 0, MAX_LATENCY), () => (this.o.latency = seconds));
  }

  /** Jitter-buffer size in seconds; 0 = 2 × latency (spec §7.1). */
  setBufferSize(seconds: number): SettingError {
    return this.resizeAfter(checkSeconds('buffer size', seconds, 0, MAX_BUFFER_SIZE), () => (this.o.bufferSize = seconds));
  }

  /** Seconds between pings to each source; 0 = none. */
  setPingInterval(seconds: number): SettingError {
    return this.setIf(checkSeconds('ping interval', seconds, 0, Infinity), () => (this.o.pingInterval = seconds));
  }

  /** Resend requests for missing frames on or off (spec §7.6). */
  setResend(on: boolean): void {
    this.o.resend = on;
  }

  /** Most blocks requested per `process()`. */
  setResendLimit(blocks: number): SettingError {
    return this.setIf(checkInteger('resend limit', blocks, 1, Number.MAX_SAFE_INTEGER), () => (this.o.resendLimit = blocks));
  }

  /** Least seconds between two requests for the same block. */
  setResendInterval(seconds: number): SettingError {
    return this.setIf(checkSeconds('resend interval', seconds, 0, Infinity), () => (this.o.resendInterval = seconds));
  }

  /** Largest request datagram in bytes (spec §1.5: 101…4096). */
  setPacketSize(bytes: number): SettingError {
    return this.setIf(checkInteger('packet size', bytes, 101, PACKET_SIZE_MAX), () => (this.o.packetSize = bytes));
  }

  /**
   * The host skipped `samples` samples of this sink's output (a dropout). The next `process()`
   * drops as many whole blocks from every source (spec §7.5): the skipped audio is lost, not
   * played late, so the streams keep their latency. The clock estimate restarts (spec §9.2).
   */
  reportXRun(samples: number): void {
    if (!(samples > 0 && Number.isFinite(samples))) return;
    const { blockSize, sampleRate } = this.o;
    // More than the largest buffers hold is gone anyway: the sources rebuffer.
    const most = ((MAX_LATENCY + MAX_BUFFER_SIZE) * sampleRate) / blockSize;
    this.xrunBlocks = Math.min(this.xrunBlocks + samples / blockSize, most);
    this.dll?.reset();
  }

  /** Handles a message addressed to this sink (`/aoo/sink/<id>/…`). */
  handleMessage(msg: AooMessage, from: SocketAddress, time: number): void {
    if (!msg.kind.startsWith('sink/') || !('sinkId' in msg) || msg.sinkId !== this.id || !('sourceId' in msg)) return;
    this.now = Math.max(this.now, time);
    switch (msg.kind) {
      case 'sink/start':
        this.handleStart(msg, this.sourceFor(from, msg.sourceId, time));
        return;
      case 'sink/data':
        this.handleData(msg, this.sourceFor(from, msg.sourceId, time), time);
        return;
    }
    const src = this.sources.get(from.address, from.port, msg.sourceId);
    if (src === undefined) return;
    const ep = src.endpoint;
    switch (msg.kind) {
      case 'sink/stop':
        if (msg.streamId === src.streamId && (src.state === 'run' || src.state === 'uninvite' || src.state === 'start')) src.state = 'stop';
        return;
      case 'sink/decline':
        if (src.state === 'invite' && msg.token === src.token) {
          src.state = 'timeout';
          this.emit({ type: 'InviteDecline', endpoint: ep });
        }
        return;
      case 'sink/ping':
        if (src.state === 'start' || src.state === 'run') {
          this.pending.push(pongReply(ep, this.id, msg.t1, ntpFromSeconds(time), this.packetLoss(src, time)));
        }
        return;
      case 'sink/pong':
        if (src.state === 'start' || src.state === 'run') {
          const { t1, t2, t3 } = msg;
          this.emit({ type: 'SourcePing', endpoint: ep, t1, t2, t3, t4: ntpFromSeconds(time) });
        }
        return;
    }
  }

  /** Writes one planar block (`channels × blockSize`): the sum of all sources (spec §7.7). */
  process(out: Float32Array, time: number): void {
    this.now = time;
    const { blockSize, channels } = this.o;
    out.fill(0, 0, channels * blockSize);
    this.dll?.update(time);
    const rate = this.dll === null ? this.o.sampleRate : this.dll.sampleRate;
    const skipped = this.takeSkippedBlocks();
    const sources = this.sources.values;
    for (let i = 0; i < sources.length; i++) {
      const src = sources[i]!;
      src.now = time;
      if (src.state === 'start') src.enterRun();
      else if (src.state === 'stop') {
        src.stopped = true;
        src.state = 'run';
      }
      this.checkInvitation(src, time);
      const running = src.state === 'run' || src.state === 'uninvite';
      src.sinkRate = rate;
      if (running) for (let k = 0; k < skipped; k++) src.skip();
      const playing = running && src.pull();
      if (playing) this.mix(src, out);
      if (this.o.resend && running) src.requestMissing(time, this.o);
      this.reportCounts(src);
      this.scheduleRequests(src, time);
      if (!playing && this.o.sourceTimeout >= 0 && src.state !== 'invite' && time - src.lastPacketTime >= this.o.sourceTimeout) {
        this.sources.delete(src.endpoint);
        i--;
        if (src.announced) this.emit({ type: 'SourceRemove', endpoint: src.endpoint });
      }
    }
  }

  /** Writes queued requests: `/start` and `/stop` requests, resend requests, invitations, pings, pongs. */
  send(out: PacketOut): void {
    if (!this.pending.isEmpty) this.pending.flush(this.now, this.writer, out);
    for (const src of this.sources.values) {
      const ep = src.endpoint;
      if (src.wantsStart) {
        src.wantsStart = false;
        this.writer.write({ kind: 'source/start', sourceId: ep.id, sinkId: this.id, version: AOO_VERSION }, ep, out);
      }
      if (src.frameRequests.length > 0) {
        writeFrameRequests(src.frameRequests, { sourceId: ep.id, sinkId: this.id, streamId: src.streamId }, this.o, ep, this.writer, out);
        src.frameRequests.length = 0;
      }
    }
  }

  /** Asks a source to stream to this sink (spec §7.10). */
  inviteSource(ep: Endpoint, metadata: AooData | null = null): void {
    const src = this.sourceFor(ep, ep.id, this.now);
    src.token = randomInt31(this.o.random);
    src.inviteMetadata = metadata;
    src.inviteSince = this.now;
    src.lastInviteSent = -Infinity;
    src.state = 'invite';
    this.checkInvitation(src, this.now);
  }

  /** Asks a source to stop its stream; only while a stream is running. False otherwise. */
  uninviteSource(ep: Endpoint): boolean {
    const src = this.sources.find(ep);
    if (src === undefined || src.state !== 'run') return false;
    src.state = 'uninvite';
    src.uninviteSince = this.now;
    return true;
  }

  /**
   * Seconds of audio buffered for a source's stream (jitter buffer and resampler), the level
   * dynamic resampling holds at the latency setting; undefined for an unknown source.
   */
  bufferLatency(ep: Endpoint): number | undefined {
    return this.sources.find(ep)?.bufferLatency();
  }

  /**
   * How full a source's jitter buffer is, 0…1: `bufferLatency` over the buffer size (spec
   * §7.3); 0 until it plays, undefined for an unknown source.
   */
  fillRatio(ep: Endpoint): number | undefined {
    const src = this.sources.find(ep);
    if (src === undefined) return undefined;
    const format = src.format;
    if (format === null) return 0;
    const { blockSize, sampleRate, latency, bufferSize } = this.o;
    const { capacity } = bufferSizing(format, blockSize, sampleRate, latency, bufferSize);
    return Math.min(1, (src.bufferLatency() * format.sampleRate) / (capacity * format.blockSize));
  }

  /**
   * Rebuffers a source's stream: the `/start` asked for now resets its jitter buffer, decoder
   * and resampler, and the stream starts again (StreamStop, StreamStart) from the source's
   * current block. False for an unknown source or one not streaming.
   */
  resetSource(ep: Endpoint): boolean {
    const src = this.sources.find(ep);
    if (src === undefined || src.state !== 'run') return false;
    src.streamId = -1;
    src.wantsStart = true;
    return true;
  }

  pollEvents(): readonly SinkEvent[] {
    return this.events.pollIfAny();
  }

  /** Whole blocks to drop for reported xruns: while the count is above 0.1 (spec §7.5). */
  private takeSkippedBlocks(): number {
    let blocks = 0;
    while (this.xrunBlocks > 0.1) {
      this.xrunBlocks--;
      blocks++;
    }
    return blocks;
  }

  private setIf(error: SettingError, set: () => void): SettingError {
    if (error === null) set();
    return error;
  }

  /** Sets a value the jitter buffers are sized by, and resizes them. */
  private resizeAfter(error: SettingError, set: () => void): SettingError {
    if (error !== null) return error;
    set();
    for (const src of this.sources.values) src.resize();
    return null;
  }

  /** The source at `from` with AOO id `id`, added if new. */
  private sourceFor(from: SocketAddress, id: number, time: number): RemoteSource {
    let src = this.sources.get(from.address, from.port, id);
    if (src === undefined) {
      const ep = endpointOf(from, id);
      src = new RemoteSource(ep, this.o, this.emit, time);
      this.sources.add(ep, src);
    }
    return src;
  }

  private handleStart(msg: SinkStart, src: RemoteSource): void {
    if (src.state === 'invite' && msg.streamId !== src.token) return;
    if (msg.streamId === src.streamId) return;
    if (checkVersion(msg.version) !== 'ok') return;
    let formatChanged = false;
    if (msg.formatId !== src.formatId || src.format === null) {
      const codec = codecByName(msg.format.codec);
      if (codec === undefined) {
        this.emit({ type: 'Error', endpoint: src.endpoint, message: `unknown codec '${msg.format.codec}'` });
        return;
      }
      const format = codec.validate(msg.format);
      src.format = format;
      src.formatId = msg.formatId;
      src.decoder = codec.createDecoder(format);
      formatChanged = true;
    }
    if (!src.announced) {
      src.announced = true;
      this.emit({ type: 'SourceAdd', endpoint: src.endpoint });
    }
    if (formatChanged) this.emit({ type: 'FormatChange', endpoint: src.endpoint, format: src.format });
    src.streamId = msg.streamId;
    src.metadata = msg.metadata;
    src.startTime = msg.startTime;
    src.sourceDelay = msg.latency + msg.codecDelay;
    src.codecDelay = msg.codecDelay;
    src.startOffset = msg.offset ?? 0;
    src.beginStream(msg.seqStart, formatChanged);
  }

  private handleData(msg: SinkData, src: RemoteSource, time: number): void {
    src.lastPacketTime = time;
    if (src.state === 'invite' && msg.streamId !== src.token) return;
    if (src.state === 'uninvite' && msg.streamId === src.streamId) {
      this.pending.push(uninviteRequest(src.endpoint, this.id, src.streamId));
      return;
    }
    if (msg.streamId !== src.streamId) {
      src.wantsStart = true;
      return;
    }
    if (src.state === 'idle' || src.state === 'timeout') return;
    src.addFrame(msg);
  }

  private checkInvitation(src: RemoteSource, time: number): void {
    const timeout = this.o.inviteTimeout;
    const ep = src.endpoint;
    if (src.state === 'invite') {
      if (timeout >= 0 && time - src.inviteSince >= timeout) {
        src.state = 'timeout';
        this.emit({ type: 'InviteTimeout', endpoint: ep });
      } else if (time - src.lastInviteSent >= INVITE_INTERVAL) {
        src.lastInviteSent = time;
        this.pending.push(inviteRequest(ep, this.id, src.token, src.inviteMetadata));
      }
    } else if (src.state === 'uninvite' && timeout >= 0 && time - src.uninviteSince >= timeout) {
      src.state = 'timeout';
      this.emit({ type: 'UninviteTimeout', endpoint: ep });
    }
  }

  /** `/stop` requests while in underrun (spec §7.5) and pings (spec §7.1). */
  private scheduleRequests(src: RemoteSource, time: number): void {
    const ep = src.endpoint;
    if (src.state === 'run' && src.playback === 'inactive' && src.underrunSince >= 0 && time - src.underrunSince >= STOP_INTERVAL) {
      if (time - src.lastStopRequest >= STOP_INTERVAL) {
        src.lastStopRequest = time;
        this.pending.push(stopRequest(ep, this.id, src.streamId));
      }
    }
    if (src.state === 'run' && this.o.pingInterval > 0 && time - src.lastPing >= this.o.pingInterval) {
      src.lastPing = time;
      this.pending.push(pingRequest(ep, this.id));
    }
  }

  private mix(src: RemoteSource, out: Float32Array): void {
    const { blockSize, channels } = this.o;
    const n = src.format!.channels;
    for (let c = 0; c < n; c++) {
      const dst = c + src.channelOnset;
      if (dst >= channels) break;
      const from = c * blockSize;
      const to = dst * blockSize;
      for (let i = 0; i < blockSize; i++) out[to + i]! += src.output[from + i]!;
    }
  }

  private reportCounts(src: RemoteSource): void {
    const ep = src.endpoint;
    if (src.dropped > 0) this.emit({ type: 'BlockDrop', endpoint: ep, count: src.dropped });
    if (src.resent > 0) this.emit({ type: 'BlockResend', endpoint: ep, count: src.resent });
    if (src.xruns > 0) this.emit({ type: 'BlockXRun', endpoint: ep, count: src.xruns });
    src.dropped = 0;
    src.resent = 0;
    src.xruns = 0;
  }

  /** Spec §7.11: dropped blocks since the last ping, as a fraction of the time between pings. */
  private packetLoss(src: RemoteSource, time: number): number {
    const dt = src.lastPingReceived >= 0 ? time - src.lastPingReceived : 0;
    src.lastPingReceived = time;
    const format = src.format;
    const dropped = src.droppedSinceLastPong;
    src.droppedSinceLastPong = 0;
    if (format === null || dt <= 0) return 0;
    return Math.min(1, (dropped * format.blockSize) / (format.sampleRate * dt));
  }
}
