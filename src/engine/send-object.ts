/**
 * `[aoo.send~]` inside the engine: a Source fed with the host's captured blocks, driven by
 * the host's ticks, with the reference object's methods and events (wire spec §12.1).
 */
import type { StreamFormat } from '../codec/codec.ts';
import type { ResampleMode } from '../dsp/resampler/resampler.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import { decodeAoo } from '../protocol/aoo/messages.ts';
import type { OscReader } from '../protocol/osc/index.ts';
import { type Endpoint, type SocketAddress, endpointKey } from '../stream/endpoint.ts';
import type { SourceEvent } from '../stream/events.ts';
import { Source, type SourceOptions } from '../stream/source.ts';
import { CodecOptions } from './codec-options.ts';
import { type Atom, readBlockSamples } from './control-protocol.ts';
import { dataAtoms, parseDataArgs } from './data-atoms.ts';
import { endpointArgText, endpointAtoms, parseEndpointArg } from './endpoint-args.ts';
import { defaultFormat, formatAtoms, parseFormatArgs } from './format-args.ts';
import { HostClock, addTicks } from './host-clock.ts';
import {
  type Method,
  MethodDispatcher,
  type MethodResult,
  type ObjectContext,
  type ObjectStatus,
  type PeerName,
  parseFlag,
  parseNumberIn,
  unsupported,
  withEndpoint,
} from './host-object.ts';
import { LevelMeter } from './level-meter.ts';
import { pingAtoms } from './ping-atoms.ts';
import { KeptSettings, type Setting, choiceSetting, flagSetting, msSetting, numberSetting } from './kept-settings.ts';
import { StreamMessageQueue } from './stream-message-queue.ts';

type SourceSettings = Omit<SourceOptions, 'id' | 'format' | 'processBlockSize' | 'sampleRate' | 'random'>;

const SETTINGS: Readonly<Record<string, Setting<SourceSettings, Source>>> = {
  packetsize: numberSetting(146, 4096, true, (o, packetSize) => ({ ...o, packetSize }), (source, n) => source.setPacketSize(n)),
  ping: msSetting(0, 3600000, (o, pingInterval) => ({ ...o, pingInterval }), (source, s) => source.setPingInterval(s)),
  stream_time: msSetting(0, 3600000, (o, streamTimeInterval) => ({ ...o, streamTimeInterval }), (source, s) => source.setStreamTimeInterval(s)),
  resend: msSetting(0, 60000, (o, resendBufferSeconds) => ({ ...o, resendBufferSeconds }), (source, s) => source.setResendBufferSeconds(s)),
  redundancy: numberSetting(1, 16, true, (o, redundancy) => ({ ...o, redundancy }), (source, n) => source.setRedundancy(n)),
  // These have no live setter: a change rebuilds the Source.
  binary: flagSetting((o, binary) => ({ ...o, binary })),
  resample_method: choiceSetting<SourceSettings, ResampleMode>(['sinc', 'cubic', 'linear'], (o, resampleMode) => ({ ...o, resampleMode })),
  dynamic_resampling: flagSetting((o, dynamicResampling) => ({ ...o, dynamicResampling })),
  dll_bandwidth: numberSetting(0, 1, false, (o, dllBandwidth) => ({ ...o, dllBandwidth })),
};

/** A sink of this source, as the patch knows it. */
interface SinkRecord {
  readonly endpoint: Endpoint;
  /**
   * The host as the patch wrote it (a name stays a name, for a restart); a peer's address as
   * it was when added, since a restarted engine has no peers until its client joins again.
   */
  readonly host: string;
  /** The peer it belongs to, by name: the patch can still name it after the client forgot the peer. */
  readonly peer: PeerName | null;
  active: boolean;
  channel: number;
  /** The newest invitation / uninvitation not answered yet (auto_invite 0). */
  inviteToken: number | null;
  uninviteToken: number | null;
}

export class SendObject {
  readonly kind = 'send';
  /** Captured blocks that never arrived, and ones that came after a newer one. */
  private lostBlocks = 0;
  private lateBlocks = 0;
  private readonly clock: HostClock;
  private readonly input: Float32Array;
  private readonly silence: Float32Array;
  private readonly messages: StreamMessageQueue;
  private readonly meter: LevelMeter;
  private readonly settings: KeptSettings<SourceSettings, Source>;
  private readonly dispatcher: MethodDispatcher;
  private readonly sinks = new Map<string, SinkRecord>();
  private readonly codecOptions = new CodecOptions();
  private id: number;
  private format: StreamFormat;
  private formatArgs: readonly Atom[] | null = null;
  private source: Source;
  private stream: { readonly metadata: AooData | null } | null = null;
  private autoInvite = true;

  constructor(private readonly ctx: ObjectContext) {
    const { config } = ctx;
    this.id = config.id;
    this.clock = new HostClock(config.sampleRate, config.blockSize);
    this.input = new Float32Array(config.channels * config.blockSize);
    this.silence = new Float32Array(config.channels * config.blockSize);
    this.meter = new LevelMeter(config.channels, config.blockSize, config.sampleRate);
    this.messages = new StreamMessageQueue(config.blockSize, (text) => ctx.output.error(text));
    this.format = defaultFormat(config);
    this.settings = new KeptSettings(SETTINGS, {}, (settings) => this.rebuild(this.id, this.format, settings), { current: () => this.source, changed: () => ctx.output.stateChanged() });
    this.source = this.createSource(this.id, this.format, this.settings.current);
    this.dispatcher = new MethodDispatcher({ ...this.settings.methods(), ...this.methods() }, ctx.output);
  }

  /** A send~ has no local output latency; lost = captured blocks not used. */
  status(): ObjectStatus {
    return { latencyMs: 0, lostBlocks: this.lostBlocks + this.lateBlocks };
  }

  /** A captured block: `/blk <tick> <samples…>`. */
  block(tick: number, samples: OscReader): void {
    const error = readBlockSamples(samples, this.input);
    if (error !== null) {
      this.ctx.output.error(error);
      return;
    }
    const step = this.clock.advance(tick, this.ctx.now());
    if (step.kind === 'late') {
      this.lateBlocks++;
      return;
    }
    if (step.kind === 'next' && step.missed > 0) {
      this.lostBlocks += step.missed;
      for (let i = step.missed; i > 0; i--) this.process(addTicks(tick, -i), this.silence);
    }
    this.process(tick, this.input);
  }

  method(selector: string, args: readonly Atom[], tick: number, offset: number): void {
    if (selector === 'list') this.streamMessage(args, tick, offset);
    else this.dispatcher.run(selector, args);
  }

  /** A datagram for this source from the AOO network. */
  packet(bytes: Uint8Array, from: SocketAddress): void {
    const r = decodeAoo(bytes);
    if (!r.ok) return;
    this.source.handleMessage(r.value, from, this.clock.now(this.ctx.now()));
    this.flush();
  }

  /** The AOO id changed (`id`/`set`): a new Source, same sinks and settings. */
  setId(id: number): MethodResult {
    const error = this.rebuild(id, this.format, this.settings.current);
    if (error === undefined) this.id = id;
    return error;
  }

  keep(): Atom[][] {
    const lines = this.settings.keep();
    if (this.formatArgs !== null) lines.push(['format', ...this.formatArgs]);
    lines.push(...this.codecOptions.keep());
    if (!this.autoInvite) lines.push(['auto_invite', 0]);
    for (const s of this.sinks.values()) {
      lines.push(['add', s.host, s.endpoint.port, s.endpoint.id, s.active ? 1 : 0]);
      if (s.channel !== 0) lines.push(['sink_channel', s.host, s.endpoint.port, s.endpoint.id, s.channel]);
    }
    if (this.stream !== null) lines.push(['start', ...(this.stream.metadata === null ? [] : dataAtoms(this.stream.metadata))]);
    return lines;
  }

  /** The object goes away: its sinks get `/stop`. */
  close(): void {
    this.dispatcher.close();
    for (const s of this.sinks.values()) this.source.removeSink(s.endpoint);
    this.source.send(this.ctx.output.packet);
  }

  private process(tick: number, block: Float32Array): void {
    const due = this.messages.due(tick);
    // Messages while no stream runs have nowhere to go.
    if (this.stream !== null) for (const m of due) this.source.addStreamMessage(m);
    this.source.process(block, this.clock.timeOf(tick));
    this.meter.add(block, this.ctx.output.level);
    this.flush();
  }

  private flush(): void {
    this.handleEvents();
    this.source.send(this.ctx.output.packet);
    this.handleEvents();
  }

  private createSource(id: number, format: StreamFormat, settings: SourceSettings): Source {
    const { config, random } = this.ctx;
    const source = new Source({ ...settings, id, format, processBlockSize: config.blockSize, sampleRate: config.sampleRate, random });
    this.codecOptions.applyTo(source);
    return source;
  }

  /** Replaces the Source (new id, format or settings), keeping sinks and the stream state. */
  private rebuild(id: number, format: StreamFormat, settings: SourceSettings): MethodResult {
    let source: Source;
    try {
      source = this.createSource(id, format, settings);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    this.source.send(this.ctx.output.packet);
    for (const s of this.sinks.values()) {
      source.addSink(s.endpoint, s.active);
      if (s.channel !== 0) source.setSinkChannelOffset(s.endpoint, s.channel);
    }
    if (this.stream !== null) source.startStream(this.stream.metadata);
    this.source = source;
    this.ctx.output.stateChanged();
    return undefined;
  }

  private streamMessage(args: readonly Atom[], tick: number, offset: number): void {
    const channel = parseNumberIn(args[0], 0, 65535, true);
    if (typeof channel === 'string') {
      this.ctx.output.error(`list: channel ${channel}`);
      return;
    }
    const data = parseDataArgs(args, 1);
    if (typeof data === 'string') this.ctx.output.error(`list: ${data}`);
    else this.messages.add(tick, offset, { channel, type: data.type, data: data.bytes });
  }

  private sinkRecord(ep: Endpoint): SinkRecord | undefined {
    return this.sinks.get(endpointKey(ep));
  }

  /** A sink added as `<group> <user> <id>`, found by that name (its peer may have left since). */
  private sinkOfPeer(arg: PeerName & { readonly id: number }): SinkRecord | undefined {
    for (const s of this.sinks.values()) if (s.peer !== null && s.peer.group === arg.group && s.peer.user === arg.user && s.endpoint.id === arg.id) return s;
    return undefined;
  }

  /** How events show a sink: by its peer's name while the client knows it or it was added by name. */
  private sinkAtoms(sink: SinkRecord): Atom[] {
    const ep = sink.endpoint;
    return this.ctx.peers.nameAt(ep) === null && sink.peer !== null ? [sink.peer.group, sink.peer.user, ep.id] : endpointAtoms(ep, this.ctx.peers);
  }

  private handleEvents(): void {
    for (const e of this.source.pollEvents()) this.handleEvent(e);
  }

  private handleEvent(e: SourceEvent): void {
    const out = this.ctx.output;
    const ep = endpointAtoms(e.endpoint, this.ctx.peers);
    switch (e.type) {
      case 'SinkAdd':
        this.sinks.set(endpointKey(e.endpoint), { endpoint: e.endpoint, host: e.endpoint.address, peer: this.ctx.peers.nameAt(e.endpoint), active: false, channel: 0, inviteToken: null, uninviteToken: null });
        out.event('add', ep);
        out.stateChanged();
        break;
      case 'Invite': {
        const sink = this.sinkRecord(e.endpoint);
        if (sink === undefined) break;
        const invite = [...ep, ...(e.metadata === null ? [] : dataAtoms(e.metadata))];
        if (!this.autoInvite) {
          sink.inviteToken = e.token;
          out.event('invite', invite);
          break;
        }
        // The reference accepts an invitation only while its stream runs, and declines silently otherwise.
        const accept = this.stream !== null;
        this.source.handleInvite(e.endpoint, e.token, accept);
        if (!accept) break;
        sink.active = true;
        out.event('invite', invite);
        out.stateChanged();
        break;
      }
      case 'Uninvite': {
        const sink = this.sinkRecord(e.endpoint);
        if (sink === undefined) break;
        out.event('uninvite', ep);
        if (!this.autoInvite) {
          sink.uninviteToken = e.token;
          break;
        }
        this.source.handleUninvite(e.endpoint, e.token, true);
        sink.active = false;
        out.stateChanged();
        break;
      }
      case 'SinkPing':
        out.event('ping', [...ep, ...pingAtoms(e.t1, e.t2, e.t3, e.t4), e.packetLoss]);
        break;
      case 'FrameResend':
        out.event('frame_resent', [...ep, e.count]);
        break;
    }
  }

  private methods(): Record<string, Method> {
    const ctx = this.ctx;
    const out = ctx.output;
    const changed = (): MethodResult => {
      this.source.send(out.packet);
      out.stateChanged();
      return undefined;
    };
    /** Methods on one known sink: `<selector> <host> <port> <id> <args…>`. */
    const onSink = (then: (sink: SinkRecord, rest: readonly Atom[]) => MethodResult): Method => (args) => {
      const arg = parseEndpointArg(args, 0);
      if (typeof arg === 'string') return arg;
      const named = arg.kind === 'peer' ? this.sinkOfPeer(arg) : undefined;
      if (named !== undefined) return then(named, args.slice(3));
      return withEndpoint(ctx, arg, (ep) => {
        const sink = this.sinkRecord(ep);
        return sink === undefined ? `no sink ${endpointArgText(arg)}` : then(sink, args.slice(3));
      });
    };
    const flagOf = (rest: readonly Atom[], fallback: boolean): boolean | string => (rest.length === 0 ? fallback : rest.length === 1 ? parseFlag(rest[0]) : 'too many arguments');

    return {
      add: (args) => {
        const arg = parseEndpointArg(args, 0);
        if (typeof arg === 'string') return arg;
        const active = flagOf(args.slice(3), true);
        if (typeof active === 'string') return active;
        return withEndpoint(ctx, arg, (endpoint) => {
          if (this.sinkRecord(endpoint) !== undefined) return undefined;
          this.source.addSink(endpoint, active);
          const sink: SinkRecord = { endpoint, host: arg.kind === 'host' ? arg.host : endpoint.address, peer: arg.kind === 'peer' ? arg : null, active, channel: 0, inviteToken: null, uninviteToken: null };
          this.sinks.set(endpointKey(endpoint), sink);
          out.event('add', this.sinkAtoms(sink));
          return changed();
        });
      },
      remove: (args) => {
        const removeOne = (sink: SinkRecord) => {
          this.source.removeSink(sink.endpoint);
          this.sinks.delete(endpointKey(sink.endpoint));
          out.event('remove', this.sinkAtoms(sink));
        };
        if (args.length === 0) {
          for (const sink of [...this.sinks.values()]) removeOne(sink);
          return changed();
        }
        return onSink((sink, rest) => {
          if (rest.length > 0) return 'too many arguments';
          removeOne(sink);
          return changed();
        })(args);
      },
      active: onSink((sink, rest) => {
        const active = rest.length === 1 ? parseFlag(rest[0]) : 'expects <endpoint> 0|1';
        if (typeof active === 'string') return active;
        this.source.activateSink(sink.endpoint, active);
        sink.active = active;
        return changed();
      }),
      sink_channel: onSink((sink, rest) => {
        const channel = rest.length === 1 ? parseNumberIn(rest[0], 0, 255, true) : 'expects <endpoint> <channel>';
        if (typeof channel === 'string') return channel;
        this.source.setSinkChannelOffset(sink.endpoint, channel);
        sink.channel = channel;
        return changed();
      }),
      invite: onSink((sink, rest) => {
        const accept = flagOf(rest, true);
        if (typeof accept === 'string') return accept;
        if (sink.inviteToken === null) return 'no invitation from this sink to answer';
        this.source.handleInvite(sink.endpoint, sink.inviteToken, accept);
        sink.inviteToken = null;
        if (accept) sink.active = true;
        return changed();
      }),
      uninvite: onSink((sink, rest) => {
        const accept = flagOf(rest, true);
        if (typeof accept === 'string') return accept;
        if (sink.uninviteToken === null) return 'no uninvitation from this sink to answer';
        this.source.handleUninvite(sink.endpoint, sink.uninviteToken, accept);
        sink.uninviteToken = null;
        if (accept) sink.active = false;
        return changed();
      }),
      sink_list: (args) => {
        if (args.length > 0) return 'takes no arguments';
        for (const s of this.sinks.values()) out.event('sink', this.sinkAtoms(s));
        return undefined;
      },
      start: (args) => {
        const metadata = args.length === 0 ? null : parseDataArgs(args, 0);
        if (typeof metadata === 'string') return metadata;
        this.stream = { metadata };
        this.source.startStream(metadata);
        return changed();
      },
      stop: (args) => {
        if (args.length > 0) return 'takes no arguments';
        this.stream = null;
        this.source.stopStream();
        return changed();
      },
      auto_invite: (args) => {
        const on = args.length === 1 ? parseFlag(args[0]) : 'expects 0 or 1';
        if (typeof on === 'string') return on;
        this.autoInvite = on;
        out.stateChanged();
        return undefined;
      },
      format: (args) => {
        const format = parseFormatArgs(args, ctx.config);
        if (typeof format === 'string') return format;
        const error = this.rebuild(this.id, format, this.settings.current);
        if (error !== undefined) return error;
        this.format = format;
        this.formatArgs = formatAtoms(format);
        out.event('format', this.formatArgs);
        return changed();
      },
      real_samplerate: () => {
        out.event('real_samplerate', [ctx.config.sampleRate]);
        return undefined;
      },
      codec_set: (args) => {
        const error = this.codecOptions.setOn(this.source, args);
        if (error === undefined) out.stateChanged();
        return error;
      },
      codec_get: (args) => {
        const got = this.codecOptions.get(this.source, args);
        if (typeof got === 'string') return got;
        out.event('codec_get', [args[0]!, got.value]);
        return undefined;
      },
      reset: (args) => {
        if (args.length > 0) return 'takes no arguments';
        this.source.reset();
        return undefined;
      },
      buffersize: unsupported,
    };
  }
}
