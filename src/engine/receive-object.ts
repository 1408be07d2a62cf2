/**
 * `[aoo.receive~]` inside the engine: a Sink processed once per host tick, whose output block
 * goes back to the host stamped tick + D (the local latency), with the reference object's
 * methods and events (wire spec §12.2).
 */
import type { ResampleMode } from '../dsp/resampler/resampler.ts';
import { SinkPacketDecoder } from '../protocol/aoo/sink/packet-decoder.ts';
import { type NtpTime, ntpToSeconds } from '../protocol/ntp.ts';
import { type Endpoint, type SocketAddress, endpointKey } from '../stream/endpoint.ts';
import { type SinkEvent, StreamState } from '../stream/events.ts';
import { Sink, type SinkOptions } from '../stream/sink.ts';
import type { Atom } from './control-protocol.ts';
import { dataAtoms, parseDataArgs } from './data-atoms.ts';
import { endpointArgText, endpointAtoms, parseEndpointArg } from './endpoint-args.ts';
import { formatAtoms } from './format-args.ts';
import { HostClock, MAX_GAP_BLOCKS, addTicks, tickDistance } from './host-clock.ts';
import { type Method, MethodDispatcher, type MethodResult, type ObjectContext, type ObjectStatus, parseNumberIn, unsupported, withEndpoint } from './host-object.ts';
import { LevelMeter } from './level-meter.ts';
import { KeptSettings, type Setting, choiceSetting, flagSetting, msSetting, numberSetting } from './kept-settings.ts';
import { pingAtoms } from './ping-atoms.ts';

type SinkSettings = Omit<SinkOptions, 'id' | 'channels' | 'sampleRate' | 'blockSize' | 'random'>;

const SETTINGS: Readonly<Record<string, Setting<SinkSettings, Sink>>> = {
  latency: msSetting(0, 10000, (o, latency) => ({ ...o, latency }), (sink, s) => sink.setLatency(s)),
  buffersize: msSetting(0, 60000, (o, bufferSize) => ({ ...o, bufferSize }), (sink, s) => sink.setBufferSize(s)),
  packetsize: numberSetting(101, 4096, true, (o, packetSize) => ({ ...o, packetSize }), (sink, n) => sink.setPacketSize(n)),
  ping: msSetting(0, 3600000, (o, pingInterval) => ({ ...o, pingInterval }), (sink, s) => sink.setPingInterval(s)),
  resend: flagSetting(
    (o, resend) => ({ ...o, resend }),
    (sink, on) => {
      sink.setResend(on);
      return null;
    },
  ),
  resend_limit: numberSetting(1, 1024, true, (o, resendLimit) => ({ ...o, resendLimit }), (sink, n) => sink.setResendLimit(n)),
  resend_interval: msSetting(0, 10000, (o, resendInterval) => ({ ...o, resendInterval }), (sink, s) => sink.setResendInterval(s)),
  // These have no live setter: a change rebuilds the Sink.
  resample_method: choiceSetting<SinkSettings, ResampleMode>(['sinc', 'cubic', 'linear'], (o, resampleMode) => ({ ...o, resampleMode })),
  dynamic_resampling: flagSetting((o, dynamicResampling) => ({ ...o, dynamicResampling })),
  dll_bandwidth: numberSetting(0, 1, false, (o, dllBandwidth) => ({ ...o, dllBandwidth })),
};

/** The sink latency when the patch gives none (the reference's 4th argument defaults to 25 ms). */
export const DEFAULT_LATENCY_MS = 25;
/** Local latency D in blocks, when the patch sets none: see DESIGN/hosts.md (Pd, -sleepgrain 1). */
export const DEFAULT_LOCAL_LATENCY = 8;
/** The Pd abstraction's ring holds 64 blocks; D must leave room for the blocks being played. */
export const MAX_LOCAL_LATENCY = 48;

interface Emitted {
  readonly name: string;
  readonly args: Atom[];
  readonly sampleOffset: number;
}

export class ReceiveObject {
  readonly kind = 'receive';
  /** Tick messages that never arrived (the blocks were still computed) and ones that came after a newer one. */
  private lostTicks = 0;
  private lateTicks = 0;
  private readonly clock: HostClock;
  private readonly output: Float32Array;
  private readonly meter: LevelMeter;
  private readonly decoder = new SinkPacketDecoder();
  private readonly settings: KeptSettings<SinkSettings, Sink>;
  private readonly dispatcher: MethodDispatcher;
  private readonly sources = new Map<string, Endpoint>();
  /** `time` events show NTP times as ms since the object was created. */
  private readonly origin: number;
  private id: number;
  private sink: Sink;
  private localLatency = DEFAULT_LOCAL_LATENCY;
  /** The host tick of the newest block sent. */
  private lastPlayed: number | null = null;
  /** The sink time of the newest block computed. */
  private lastProcessed: number | null = null;
  /** The `local_latency` the patch set, ms; undefined = the default. */
  private localLatencyMs: number | undefined;

  constructor(private readonly ctx: ObjectContext) {
    const { config } = ctx;
    this.id = config.id;
    this.origin = ctx.now();
    this.clock = new HostClock(config.sampleRate, config.blockSize);
    this.output = new Float32Array(config.channels * config.blockSize);
    this.meter = new LevelMeter(config.channels, config.blockSize, config.sampleRate);
    // Dynamic resampling is off by default, as in the reference objects: PCM plays bit-exactly.
    const initial: SinkSettings = { latency: (config.latencyMs ?? DEFAULT_LATENCY_MS) / 1000, dynamicResampling: false };
    this.settings = new KeptSettings(SETTINGS, initial, (s) => this.rebuild(this.id, s), { current: () => this.sink, changed: () => ctx.output.stateChanged() });
    this.sink = this.createSink(this.id, this.settings.current);
    this.dispatcher = new MethodDispatcher({ ...this.settings.methods(), ...this.methods() }, ctx.output);
  }

  status(): ObjectStatus {
    const { blockSize, sampleRate } = this.ctx.config;
    return { latencyMs: (this.localLatency * blockSize * 1000) / sampleRate, lostBlocks: this.lostTicks + this.lateTicks };
  }

  /**
   * The host finished tick `tick`: compute the blocks up to the one it plays D ticks later.
   * Usually that is one block; after lost /tick messages, or when D grew, the ones in between too.
   */
  tick(tick: number): void {
    const step = this.clock.advance(tick, this.ctx.now());
    if (step.kind === 'late') {
      this.lateTicks++;
      return;
    }
    if (step.kind === 'anchored') {
      this.reportSkipped(this.clock.timeOf(tick));
      this.lastPlayed = null;
    } else {
      this.lostTicks += step.missed;
    }
    const target = addTicks(tick, this.localLatency);
    const ahead = this.lastPlayed === null ? 1 : tickDistance(this.lastPlayed, target);
    // 0 or "negative": D shrank, those blocks were sent already.
    if (ahead === 0 || ahead > MAX_GAP_BLOCKS + MAX_LOCAL_LATENCY) return;
    for (let i = ahead - 1; i >= 0; i--) this.process(addTicks(target, -i));
    this.lastPlayed = target;
  }

  method(selector: string, args: readonly Atom[]): void {
    this.dispatcher.run(selector, args);
  }

  packet(bytes: Uint8Array, from: SocketAddress): void {
    const m = this.decoder.decode(bytes);
    if (m === null) return;
    this.sink.handleMessage(m, from, this.clock.now(this.ctx.now()));
    for (const e of this.emitted()) this.ctx.output.event(e.name, e.args);
    this.sink.send(this.ctx.output.packet);
  }

  setId(id: number): MethodResult {
    const error = this.rebuild(id, this.settings.current);
    if (error === undefined) this.id = id;
    return error;
  }

  keep(): Atom[][] {
    const lines = this.settings.keep();
    if (this.localLatencyMs !== undefined) lines.push(['local_latency', this.localLatencyMs]);
    return lines;
  }

  close(): void {
    this.dispatcher.close();
  }

  /** Computes the block the host plays in tick `play`. */
  private process(play: number): void {
    // The sink runs on host time now (its pings and packet times must agree); the block plays D ticks later.
    this.lastProcessed = this.clock.timeOf(addTicks(play, -this.localLatency));
    this.sink.process(this.output, this.lastProcessed);
    const out = this.ctx.output;
    out.block(play, this.output);
    this.meter.add(this.output, out.level);
    // Events of several sources come source by source: the host schedules them in offset order.
    for (const e of this.emitted().sort((a, b) => a.sampleOffset - b.sampleOffset)) out.eventAt(play, e.sampleOffset, e.name, e.args);
    this.sink.send(out.packet);
  }

  /**
   * The host clock jumped (a long gap in the ticks, or DSP paused): the blocks of the time in
   * between were never computed. The sink drops that audio instead of playing it late, so the
   * streams keep their latency.
   */
  private reportSkipped(now: number): void {
    if (this.lastProcessed === null) return;
    const { blockSize, sampleRate } = this.ctx.config;
    const skipped = Math.round(((now - this.lastProcessed) * sampleRate) / blockSize) - 1;
    if (skipped > 0) this.sink.reportXRun(skipped * blockSize);
  }

  private createSink(id: number, settings: SinkSettings): Sink {
    const { config, random } = this.ctx;
    return new Sink({ ...settings, id, channels: config.channels, sampleRate: config.sampleRate, blockSize: config.blockSize, random });
  }

  /** Replaces the Sink (new id or settings); its sources come back by themselves with `/start`. */
  private rebuild(id: number, settings: SinkSettings): MethodResult {
    let sink: Sink;
    try {
      sink = this.createSink(id, settings);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    for (const ep of this.sources.values()) this.ctx.output.event('remove', endpointAtoms(ep, this.ctx.peers));
    this.sources.clear();
    this.sink = sink;
    this.ctx.output.stateChanged();
    return undefined;
  }

  private ms(t: NtpTime): number {
    return (ntpToSeconds(t) - this.origin) * 1000;
  }

  /** The sink's new events as §12 event messages; errors go to the patch as errors. */
  private emitted(): Emitted[] {
    const list: Emitted[] = [];
    for (const e of this.sink.pollEvents()) {
      const ep = endpointAtoms(e.endpoint, this.ctx.peers);
      const emit = (name: string, args: Atom[] = []) => list.push({ name, args: [...ep, ...args], sampleOffset: 'sampleOffset' in e ? e.sampleOffset : 0 });
      this.trackSources(e);
      switch (e.type) {
        case 'SourceAdd':
          emit('add');
          break;
        case 'SourceRemove':
          emit('remove');
          break;
        case 'FormatChange':
          emit('format', formatAtoms(e.format));
          break;
        case 'StreamStart':
          emit('start', e.metadata === null ? [] : dataAtoms(e.metadata));
          break;
        case 'StreamStop':
          emit('stop');
          break;
        case 'StreamState':
          emit('state', [StreamState[e.state]]);
          break;
        case 'StreamTime':
          emit('time', [this.ms(e.sourceTime), this.ms(e.sinkTime)]);
          break;
        case 'StreamLatency':
          emit('latency', [e.sourceLatency * 1000, e.sinkLatency * 1000 + this.status().latencyMs, e.bufferLatency * 1000]);
          break;
        case 'StreamMessage':
          emit('msg', [e.channel, ...dataAtoms({ type: e.dataType, bytes: e.data })]);
          break;
        case 'InviteDecline':
          emit('invite_decline');
          break;
        case 'InviteTimeout':
          emit('invite_timeout');
          break;
        case 'UninviteTimeout':
          emit('uninvite_timeout');
          break;
        case 'BufferOverrun':
          emit('overrun');
          break;
        case 'BufferUnderrun':
          emit('underrun');
          break;
        case 'BlockDrop':
          emit('block_dropped', [e.count]);
          break;
        case 'BlockResend':
          emit('block_resent', [e.count]);
          break;
        case 'BlockXRun':
          emit('block_xrun', [e.count]);
          break;
        case 'SourcePing':
          emit('ping', pingAtoms(e.t1, e.t2, e.t3, e.t4));
          break;
        case 'Error':
          this.ctx.output.error(`source ${ep.join(' ')}: ${e.message}`);
          break;
      }
    }
    return list;
  }

  private trackSources(e: SinkEvent): void {
    if (e.type === 'SourceAdd') this.sources.set(endpointKey(e.endpoint), e.endpoint);
    else if (e.type === 'SourceRemove') this.sources.delete(endpointKey(e.endpoint));
  }

  private methods(): Record<string, Method> {
    const ctx = this.ctx;
    const out = ctx.output;
    const sent = (): MethodResult => {
      this.sink.send(out.packet);
      return undefined;
    };
    /** Methods on one known source: `<selector> <host> <port> <id>`. */
    const onSource = (args: readonly Atom[], then: (ep: Endpoint) => MethodResult): MethodResult | Promise<MethodResult> => {
      const arg = parseEndpointArg(args, 0);
      if (typeof arg === 'string') return arg;
      if (args.length > 3) return 'too many arguments';
      return withEndpoint(ctx, arg, (ep) => (this.sources.has(endpointKey(ep)) ? then(ep) : `no source ${endpointArgText(arg)}`));
    };
    return {
      invite: (args) => {
        const arg = parseEndpointArg(args, 0);
        if (typeof arg === 'string') return arg;
        const metadata = args.length > 3 ? parseDataArgs(args, 3) : null;
        if (typeof metadata === 'string') return metadata;
        return withEndpoint(ctx, arg, (ep) => {
          this.sink.inviteSource(ep, metadata);
          return sent();
        });
      },
      uninvite: (args) => {
        if (args.length === 0) {
          for (const ep of this.sources.values()) this.sink.uninviteSource(ep);
          return sent();
        }
        const arg = parseEndpointArg(args, 0);
        if (typeof arg === 'string') return arg;
        if (args.length > 3) return 'too many arguments';
        return withEndpoint(ctx, arg, (ep) => (this.sink.uninviteSource(ep) ? sent() : `${endpointArgText(arg)} is not streaming to this sink`));
      },
      source_list: (args) => {
        if (args.length > 0) return 'takes no arguments';
        for (const ep of this.sources.values()) out.event('source', endpointAtoms(ep, this.ctx.peers));
        return undefined;
      },
      local_latency: (args) => {
        const { blockSize, sampleRate } = ctx.config;
        const maxMs = Math.floor((MAX_LOCAL_LATENCY * blockSize * 1000) / sampleRate);
        const ms = args.length === 1 ? parseNumberIn(args[0], 0, maxMs) : `expects a number of milliseconds 0…${maxMs}`;
        if (typeof ms === 'string') return ms;
        // Whole blocks, at least the two the host needs to receive a block before it plays it.
        this.localLatency = Math.max(2, Math.ceil((ms * sampleRate) / (blockSize * 1000) - 1e-9));
        this.localLatencyMs = ms;
        out.stateChanged();
        return undefined;
      },
      real_samplerate: () => {
        out.event('real_samplerate', [ctx.config.sampleRate]);
        return undefined;
      },
      codec_set: () => 'a sink has no codec options',
      codec_get: () => 'a sink has no codec options',
      reset: (args) => {
        if (args.length === 0) {
          for (const ep of this.sources.values()) this.sink.resetSource(ep);
          return sent();
        }
        return onSource(args, (ep) => (this.sink.resetSource(ep) ? sent() : 'that source is not streaming (nothing to reset)'));
      },
      fill_ratio: (args) => {
        const fill = (ep: Endpoint): MethodResult => {
          out.event('fill_ratio', [...endpointAtoms(ep, ctx.peers), this.sink.fillRatio(ep) ?? 0]);
          return undefined;
        };
        if (args.length > 0) return onSource(args, fill);
        const first = this.sources.values().next();
        return first.done === true ? 'no source' : fill(first.value);
      },
      channels: unsupported,
    };
  }
}
