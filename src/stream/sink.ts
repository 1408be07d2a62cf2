/** The receiving end of AOO streams (spec §7): any number of sources, summed into one output. */
import { codecByName } from '../codec/registry.ts';
import { TimeDll } from '../dsp/dll.ts';
import type { ResampleMode } from '../dsp/resampler/resampler.ts';
import { AOO_VERSION, PACKET_SIZE_DEFAULT } from '../protocol/aoo/constants.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import type { AooMessage } from '../protocol/aoo/messages.ts';
import type { SinkData } from '../protocol/aoo/sink/data.ts';
import type { SinkStart } from '../protocol/aoo/sink/start.ts';
import { checkVersion } from '../protocol/aoo/version.ts';
import { type NtpTime, ntpFromSeconds } from '../protocol/ntp.ts';
import { type Random, randomInt31 } from '../util/random.ts';
import { type Endpoint, type PacketOut, type SocketAddress, endpointKey, endpointOf } from './endpoint.ts';
import { EventQueue } from './event-queue.ts';
import type { SinkEvent } from './events.ts';
import { MessageWriter } from './message-writer.ts';
import { RemoteSource } from './remote-source.ts';
import { writeFrameRequests } from './frame-requests.ts';

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

/**
 * Time arguments are seconds on the NTP timescale (seconds since 1900), so they convert to
 * wire timetags directly. Packets are handled as they arrive; `process()` plays them out.
 */
export class Sink {
  readonly id: number;
  private readonly o: Required<SinkOptions>;
  private readonly sources = new Map<string, RemoteSource>();
  private readonly events = new EventQueue<SinkEvent>();
  private readonly writer = new MessageWriter();
  private readonly pending: { readonly to: SocketAddress; readonly build: (now: NtpTime) => AooMessage }[] = [];
  private readonly emit = (e: SinkEvent): void => this.events.push(e);
  private readonly dll: TimeDll | null;
  private now = 0;

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
    this.dll = this.o.dynamicResampling ? new TimeDll(this.o.sampleRate, this.o.blockSize, this.o.dllBandwidth) : null;
  }

  /** Handles a message addressed to this sink (`/aoo/sink/<id>/…`). */
  handleMessage(msg: AooMessage, from: SocketAddress, time: number): void {
    if (!msg.kind.startsWith('sink/') || !('sinkId' in msg) || msg.sinkId !== this.id || !('sourceId' in msg)) return;
    this.now = Math.max(this.now, time);
    const ep = endpointOf(from, msg.sourceId);
    switch (msg.kind) {
      case 'sink/start':
        this.handleStart(msg, ep, time);
        return;
      case 'sink/data':
        this.handleData(msg, ep, time);
        return;
      case 'sink/stop': {
        const src = this.sources.get(endpointKey(ep));
        if (src !== undefined && msg.streamId === src.streamId && (src.state === 'run' || src.state === 'uninvite' || src.state === 'start')) {
          src.state = 'stop';
        }
        return;
      }
      case 'sink/decline': {
        const src = this.sources.get(endpointKey(ep));
        if (src !== undefined && src.state === 'invite' && msg.token === src.token) {
          src.state = 'timeout';
          this.emit({ type: 'InviteDecline', endpoint: src.endpoint });
        }
        return;
      }
      case 'sink/ping': {
        const src = this.sources.get(endpointKey(ep));
        if (src === undefined || (src.state !== 'start' && src.state !== 'run')) return;
        const loss = this.packetLoss(src, time);
        const { t1 } = msg;
        const t2 = ntpFromSeconds(time);
        this.pending.push({ to: ep, build: (t3) => ({ kind: 'source/pong', sourceId: ep.id, sinkId: this.id, t1, t2, t3, packetLoss: loss }) });
        return;
      }
      case 'sink/pong': {
        const src = this.sources.get(endpointKey(ep));
        if (src === undefined || (src.state !== 'start' && src.state !== 'run')) return;
        const { t1, t2, t3 } = msg;
        this.emit({ type: 'SourcePing', endpoint: src.endpoint, t1, t2, t3, t4: ntpFromSeconds(time) });
        return;
      }
    }
  }

  /** Writes one planar block (`channels × blockSize`): the sum of all sources (spec §7.7). */
  process(out: Float32Array, time: number): void {
    this.now = time;
    const { blockSize, channels } = this.o;
    out.fill(0, 0, channels * blockSize);
    this.dll?.update(time);
    const rate = this.dll === null ? this.o.sampleRate : this.dll.sampleRate;
    for (const src of [...this.sources.values()]) {
      src.now = time;
      if (src.state === 'start') src.enterRun();
      else if (src.state === 'stop') {
        src.stopped = true;
        src.state = 'run';
      }
      this.checkInvitation(src, time);
      const playing = (src.state === 'run' || src.state === 'uninvite') && src.pull(rate);
      if (playing) this.mix(src, out);
      if (this.o.resend && (src.state === 'run' || src.state === 'uninvite')) src.requestMissing(time, this.o.resendInterval, Math.max(1, this.o.resendLimit));
      this.reportCounts(src);
      this.scheduleRequests(src, time);
      if (!playing && this.o.sourceTimeout >= 0 && src.state !== 'invite' && time - src.lastPacketTime >= this.o.sourceTimeout) {
        this.sources.delete(endpointKey(src.endpoint));
        if (src.announced) this.emit({ type: 'SourceRemove', endpoint: src.endpoint });
      }
    }
  }

  /** Writes queued requests: `/start` and `/stop` requests, resend requests, invitations, pings, pongs. */
  send(out: PacketOut): void {
    const now = ntpFromSeconds(this.now);
    for (const p of this.pending.splice(0)) this.writer.write(p.build(now), p.to, out);
    for (const src of this.sources.values()) {
      const ep = src.endpoint;
      if (src.wantsStart) {
        src.wantsStart = false;
        this.writer.write({ kind: 'source/start', sourceId: ep.id, sinkId: this.id, version: AOO_VERSION }, ep, out);
      }
      if (src.frameRequests.length > 0) {
        writeFrameRequests(src.frameRequests.splice(0), { sourceId: ep.id, sinkId: this.id, streamId: src.streamId }, this.o, ep, this.writer, out);
      }
    }
  }

  /** Asks a source to stream to this sink (spec §7.10). */
  inviteSource(ep: Endpoint, metadata: AooData | null = null): void {
    const src = this.sourceFor(ep, this.now);
    src.token = randomInt31(this.o.random);
    src.inviteMetadata = metadata;
    src.inviteSince = this.now;
    src.lastInviteSent = -Infinity;
    src.state = 'invite';
    this.checkInvitation(src, this.now);
  }

  /** Asks a source to stop its stream; only while a stream is running. False otherwise. */
  uninviteSource(ep: Endpoint): boolean {
    const src = this.sources.get(endpointKey(ep));
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
    return this.sources.get(endpointKey(ep))?.bufferLatency();
  }

  pollEvents(): SinkEvent[] {
    return this.events.poll();
  }

  private sourceFor(ep: Endpoint, time: number): RemoteSource {
    const key = endpointKey(ep);
    let src = this.sources.get(key);
    if (src === undefined) {
      src = new RemoteSource(ep, this.o, this.emit, time);
      this.sources.set(key, src);
    }
    return src;
  }

  private handleStart(msg: SinkStart, ep: Endpoint, time: number): void {
    const src = this.sourceFor(ep, time);
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

  private handleData(msg: SinkData, ep: Endpoint, time: number): void {
    const src = this.sourceFor(ep, time);
    src.lastPacketTime = time;
    if (src.state === 'invite' && msg.streamId !== src.token) return;
    if (src.state === 'uninvite' && msg.streamId === src.streamId) {
      const token = src.streamId;
      this.pending.push({ to: ep, build: () => ({ kind: 'source/uninvite', sourceId: ep.id, sinkId: this.id, token }) });
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
        const { token, inviteMetadata: metadata } = src;
        this.pending.push({ to: ep, build: () => ({ kind: 'source/invite', sourceId: ep.id, sinkId: this.id, token, metadata }) });
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
        const streamId = src.streamId;
        this.pending.push({ to: ep, build: () => ({ kind: 'source/stop', sourceId: ep.id, sinkId: this.id, streamId }) });
      }
    }
    if (src.state === 'run' && this.o.pingInterval > 0 && time - src.lastPing >= this.o.pingInterval) {
      src.lastPing = time;
      this.pending.push({ to: ep, build: (t1) => ({ kind: 'source/ping', sourceId: ep.id, sinkId: this.id, t1 }) });
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
