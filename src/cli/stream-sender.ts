/** The sending half of `send` and `demo`: a Source on a UDP endpoint, fed block by block from a signal. */
import type { StreamFormat } from '../codec/codec.ts';
import { type DropReason, UdpEndpoint } from '../net/udp-endpoint.ts';
import { DataType, MsgType } from '../protocol/aoo/constants.ts';
import { decodeAoo } from '../protocol/aoo/messages.ts';
import type { Endpoint, PacketOut } from '../stream/endpoint.ts';
import type { SourceEvent } from '../stream/events.ts';
import { Source } from '../stream/source.ts';
import type { AudioSignal } from './audio-signal.ts';
import { ntpNow } from './stream-clock.ts';

/** Seconds the source keeps running after `stopStream()`, so `/stop` goes out. */
const STOP_GRACE = 0.2;
/** Milliseconds the socket stays open after the last `send()`, so the last datagrams leave. */
const CLOSE_DELAY_MS = 20;

/** Streaming, sending its last blocks and `/stop`, or done. */
export type SenderState = 'streaming' | 'stopping' | 'stopped';

/** The UDP socket a sender or receiver opens for itself. */
export interface OwnSocket {
  readonly port: number;
  /** Address to bind; default all interfaces, IPv4 and IPv6. */
  readonly host?: string | undefined;
  /** Problems with incoming datagrams (reported once per kind). */
  readonly report: (text: string) => void;
}

/** UdpEndpoint drop reports as one line of text each. */
export function reportDrops(report: (text: string) => void): (reason: DropReason, detail: string) => void {
  return (reason, detail) => report(`dropped ${reason} packet (${detail})`);
}

export interface StreamSenderOptions {
  /** The sink streamed to from the start; others come and go with addSink / removeSink. */
  readonly sink?: Endpoint;
  readonly id: number;
  readonly format: StreamFormat;
  /** Samples per channel per `processBlock()`. */
  readonly blockSize: number;
  readonly signal: AudioSignal;
  /** Samples between text stream messages "hello 1", "hello 2", …; 0 = none. */
  readonly messageEvery: number;
  /** Every source event (invitations already accepted), with the seconds of signal streamed by then. */
  readonly onEvent: (e: SourceEvent, seconds: number) => void;
}

export class StreamSender {
  state: SenderState = 'streaming';
  readonly source: Source;
  /** Samples of the signal streamed so far. */
  private position = 0;
  private messages = 0;
  /** Blocks still to process after the stop. */
  private graceBlocks = 0;
  private readonly block: Float32Array;
  private readonly encoder = new TextEncoder();

  /** A sender on a socket of its own, closed by `close()`. */
  static async open(o: StreamSenderOptions & OwnSocket): Promise<StreamSender> {
    const udp = await UdpEndpoint.open(o.port, o.host, reportDrops(o.report));
    return new StreamSender(o, udp, (bytes, to) => udp.send(bytes, to), () => udp.close());
  }

  /**
   * A sender on an endpoint it shares (e.g. with a NodeClient, whose `streamOut` is then `out`):
   * `close()` detaches it and leaves the endpoint open.
   */
  static on(udp: UdpEndpoint, o: StreamSenderOptions, out: PacketOut = (bytes, to) => udp.send(bytes, to)): StreamSender {
    return new StreamSender(o, udp, out, () => udp.detach(MsgType.Source, o.id));
  }

  private constructor(
    private readonly o: StreamSenderOptions,
    private readonly udp: UdpEndpoint,
    private readonly out: PacketOut,
    private readonly release: () => void,
  ) {
    const { sampleRate, channels } = o.format;
    this.source = new Source({ id: o.id, format: o.format, processBlockSize: o.blockSize, sampleRate, random: Math.random });
    this.block = new Float32Array(channels * o.blockSize);
    udp.attach(MsgType.Source, o.id, (bytes, from) => {
      const r = decodeAoo(bytes);
      if (r.ok) this.source.handleMessage(r.value, from, ntpNow());
    });
    if (o.sink !== undefined) this.source.addSink(o.sink, true);
    this.source.startStream();
  }

  get port(): number {
    return this.udp.port;
  }

  /** Streams to `sink` too, from the next block on (it gets a `/start`). */
  addSink(sink: Endpoint): void {
    this.source.addSink(sink, true);
  }

  /** Stops streaming to `sink` (it gets a `/stop`). */
  removeSink(sink: Endpoint): void {
    this.source.removeSink(sink);
  }

  /** Seconds of the signal streamed so far. */
  get seconds(): number {
    return this.position / this.o.format.sampleRate;
  }

  /** Format blocks encoded and sent so far. */
  get blocksSent(): number {
    return Math.floor(this.position / this.o.format.blockSize);
  }

  /** Feeds the source its next block at `time` (NTP seconds); stops by itself at the end of the signal. */
  processBlock(time: number): void {
    if (this.state === 'streaming' && this.position >= this.o.signal.length) this.stop();
    if (this.state !== 'streaming') {
      this.source.process(this.block.fill(0), time);
      if (this.state === 'stopping' && --this.graceBlocks <= 0) this.state = 'stopped';
      return;
    }
    this.addMessages();
    this.o.signal.read(this.block, this.o.format.channels, this.o.blockSize, this.position);
    this.source.process(this.block, time);
    this.position += this.o.blockSize;
  }

  /** Sends what is due and hands out the events; invitations and uninvitations are accepted. */
  flush(): void {
    this.source.send(this.out);
    for (const e of this.source.pollEvents()) {
      if (e.type === 'Invite') this.source.handleInvite(e.endpoint, e.token, true);
      if (e.type === 'Uninvite') this.source.handleUninvite(e.endpoint, e.token, true);
      this.o.onEvent(e, this.seconds);
    }
  }

  /** Stops the stream: the sinks get `/stop` within the next blocks, then the state is 'stopped'. */
  stop(): void {
    if (this.state !== 'streaming') return;
    this.source.stopStream();
    this.state = 'stopping';
    this.graceBlocks = Math.ceil((STOP_GRACE * this.o.format.sampleRate) / this.o.blockSize);
  }

  /** Sends what is left, then closes its own socket or detaches from the shared one. */
  async close(): Promise<void> {
    this.source.send(this.out);
    await new Promise((resolve) => setTimeout(resolve, CLOSE_DELAY_MS));
    this.release();
  }

  /** Messages at messageEvery, 2·messageEvery, … samples, each at its exact offset in this block. */
  private addMessages(): void {
    const every = this.o.messageEvery;
    if (every <= 0) return;
    for (;;) {
      const at = (this.messages + 1) * every;
      if (at >= this.position + this.o.blockSize || at >= this.o.signal.length) return;
      this.messages++;
      this.source.addStreamMessage({ channel: 0, type: DataType.Text, data: this.encoder.encode(`hello ${this.messages}`), sampleOffset: at - this.position });
    }
  }
}
