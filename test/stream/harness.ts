/** A tiny in-test network and clock for Source/Sink tests: real bytes, seeded loss, delay and jitter. */
import { type AooMessage, decodeAoo } from '../../src/protocol/aoo/messages.ts';
import type { Random } from '../../src/util/random.ts';
import type { PacketOut, SocketAddress } from '../../src/stream/endpoint.ts';
import type { SinkEvent, SourceEvent } from '../../src/stream/events.ts';
import type { Sink } from '../../src/stream/sink.ts';
import type { Source } from '../../src/stream/source.ts';

export const T0 = 3_900_000_000; // seconds on the NTP timescale (2023)

export interface LinkOptions {
  readonly loss?: number;
  readonly delay?: number;
  /** Extra random delay in [0, jitter) seconds: packets overtake each other. */
  readonly jitter?: number;
  /** Loses the packets it returns true for at their arrival `time` (counted in `lost`), on top of `loss`. */
  readonly drop?: (msg: AooMessage, time: number) => boolean;
}

/** A message as it arrives: when, and to which socket address. */
export interface Delivered {
  readonly time: number;
  readonly to: SocketAddress;
  readonly msg: AooMessage;
}

export interface Node {
  readonly address: SocketAddress;
  /** Which messages it takes: `/aoo/src/…` (source) or `/aoo/sink/…` (sink). */
  readonly role: 'source' | 'sink';
  handle(msg: AooMessage, from: SocketAddress, time: number): void;
}

interface InFlight {
  readonly at: number;
  readonly order: number;
  readonly bytes: Uint8Array;
  readonly from: SocketAddress;
  readonly to: SocketAddress;
}

export class Link {
  private inFlight: InFlight[] = [];
  private order = 0;
  private readonly nodes: Node[] = [];
  now = T0;
  sent = 0;
  lost = 0;
  /** Sees every message delivered. */
  tap: ((d: Delivered) => void) | null = null;

  constructor(
    private readonly random: Random,
    private readonly options: LinkOptions = {},
  ) {}

  add(node: Node): void {
    this.nodes.push(node);
  }

  /** The transport callback of the endpoint at `from`. */
  out(from: SocketAddress): PacketOut {
    return (bytes, to) => {
      this.sent++;
      if (this.random() < (this.options.loss ?? 0)) {
        this.lost++;
        return;
      }
      const at = this.now + (this.options.delay ?? 0) + this.random() * (this.options.jitter ?? 0);
      this.inFlight.push({ at, order: this.order++, bytes: bytes.slice(), from, to });
    };
  }

  /** Delivers every packet due by `now`, in arrival order, decoding the bytes as a receiver would. */
  deliver(): void {
    const due = this.inFlight.filter((p) => p.at <= this.now).sort((a, b) => a.at - b.at || a.order - b.order);
    this.inFlight = this.inFlight.filter((p) => p.at > this.now);
    for (const p of due) {
      const m = decodeAoo(p.bytes);
      if (!m.ok) throw new Error(`undecodable packet: ${m.error.detail}`);
      if (this.options.drop?.(m.value, this.now)) {
        this.lost++;
        continue;
      }
      this.tap?.({ time: this.now, to: p.to, msg: m.value });
      const role = m.value.kind.startsWith('source/') ? 'source' : 'sink';
      for (const n of this.nodes) {
        if (n.role === role && n.address.address === p.to.address && n.address.port === p.to.port) n.handle(m.value, p.from, this.now);
      }
    }
  }
}

/** Deterministic test signal in [-1, 1), exactly representable as float32. */
export function fillNoise(block: Float32Array, random: Random): void {
  for (let i = 0; i < block.length; i++) block[i] = Math.fround(random() * 2 - 1);
}

/** Delay d such that received[d + k] === sent[k] for `probe` samples from sent[from], or -1. */
export function findOffset(sent: Float32Array, received: Float32Array, from = 0, probe = 256): number {
  for (let d = 0; from + d + probe <= received.length; d++) {
    let k = from;
    while (k < from + probe && received[d + k] === sent[k]) k++;
    if (k === from + probe) return d;
  }
  return -1;
}

/** Source and sinks driven block by block over a Link, recording what goes in and comes out. */
export class Session {
  readonly sources: { source: Source; address: SocketAddress; sent: Float32Array[]; block: Float32Array; fill: (block: Float32Array) => void }[] = [];
  readonly sinks: { sink: Sink; address: SocketAddress; received: Float32Array[]; block: Float32Array; events: SinkEvent[] }[] = [];
  readonly sourceEvents: SourceEvent[] = [];
  private ticks = 0;
  private stalledTicks = 0;

  constructor(
    readonly link: Link,
    readonly blockSize: number,
    readonly sampleRate: number,
    private readonly maxTicks: number,
  ) {}

  addSource(source: Source, address: SocketAddress, fill: (block: Float32Array) => void): void {
    const channels = source.format.channels;
    const total = this.maxTicks * this.blockSize;
    this.sources.push({ source, address, sent: Array.from({ length: channels }, () => new Float32Array(total)), block: new Float32Array(channels * this.blockSize), fill });
    this.link.add({ address, role: 'source', handle: (m, from, t) => source.handleMessage(m, from, t) });
  }

  addSink(sink: Sink, address: SocketAddress, channels: number): void {
    const total = this.maxTicks * this.blockSize;
    this.sinks.push({ sink, address, received: Array.from({ length: channels }, () => new Float32Array(total)), block: new Float32Array(channels * this.blockSize), events: [] });
    this.link.add({ address, role: 'sink', handle: (m, from, t) => sink.handleMessage(m, from, t) });
  }

  /** One block period: sources process and send, packets travel, sinks process and send. */
  tick(): void {
    const n = this.blockSize;
    const at = this.ticks * n;
    this.link.now = T0 + at / this.sampleRate;
    this.link.deliver();
    for (const s of this.sources) {
      s.fill(s.block);
      for (let c = 0; c < s.sent.length; c++) s.sent[c]!.set(s.block.subarray(c * n, (c + 1) * n), at);
      s.source.process(s.block, this.link.now);
      s.source.send(this.link.out(s.address));
      this.sourceEvents.push(...s.source.pollEvents());
    }
    this.link.deliver();
    if (this.stalledTicks > 0) {
      this.stalledTicks--;
      this.ticks++;
      return;
    }
    for (const k of this.sinks) {
      k.sink.process(k.block, this.link.now);
      for (let c = 0; c < k.received.length; c++) k.received[c]!.set(k.block.subarray(c * n, (c + 1) * n), at);
      k.sink.send(this.link.out(k.address));
      k.events.push(...k.sink.pollEvents());
    }
    this.ticks++;
  }

  /**
   * The sink host stalls for the next `ticks` ticks: its sinks neither process nor send (their
   * output there stays silent), while sources send and packets arrive.
   */
  stallSinks(ticks: number): void {
    this.stalledTicks = ticks;
  }

  run(seconds: number): void {
    const end = this.ticks + Math.round((seconds * this.sampleRate) / this.blockSize);
    while (this.ticks < end) this.tick();
  }

  get tickCount(): number {
    return this.ticks;
  }
}
