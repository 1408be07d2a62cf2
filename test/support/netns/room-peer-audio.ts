/**
 * The audio of test/support/room-peer.ts: a Source that streams sine tones and a Sink whose
 * streams are recorded and measured, both on the client's UDP port (so they reach peers
 * through the same NAT mappings and the same relay as the client, spec §11.1).
 */
import type { StreamFormat } from '../../../src/codec/codec.ts';
import { PcmBitDepth, pcmExtension } from '../../../src/codec/registry.ts';
import type { UdpEndpoint } from '../../../src/net/udp-endpoint.ts';
import { MsgType } from '../../../src/protocol/aoo/constants.ts';
import { type AooMessage, decodeAoo } from '../../../src/protocol/aoo/messages.ts';
import type { Endpoint, PacketOut, SocketAddress } from '../../../src/stream/endpoint.ts';
import type { SinkEvent } from '../../../src/stream/events.ts';
import { Sink } from '../../../src/stream/sink.ts';
import { Source } from '../../../src/stream/source.ts';
import { fitTone, longestZeroRun, sineBlock, toneWindows, zeroCrossingFrequency } from '../signal.ts';
import type { ReceivedStream } from './room-peer-protocol.ts';

export const SAMPLE_RATE = 48000;
export const BLOCK_SIZE = 64;
const FORMAT: StreamFormat = { codec: 'pcm', channels: 1, sampleRate: SAMPLE_RATE, blockSize: BLOCK_SIZE, extension: pcmExtension(PcmBitDepth.float32) };
const AMPLITUDE = 0.5;
/** Output louder than this is the tone; the silence before and after it is not measured. */
const SOUND_THRESHOLD = 0.01;
/** Left out at either end of the tone before fitting: the resampler's onset and the cut at the stop. */
const EDGE_SECONDS = 0.005;
/** The SNR is that of the worst window this long: a dropout of one block stands out, drift does not. */
const SNR_WINDOW_SECONDS = 0.1;

type Clock = () => number;

/** Hands the decodable datagrams for (type, id) on `udp` to a Source or Sink, with the time they arrived. */
function attach(udp: UdpEndpoint, type: MsgType.Source | MsgType.Sink, id: number, now: Clock, handle: (m: AooMessage, from: SocketAddress, time: number) => void): void {
  udp.attach(type, id, (bytes, from) => {
    const m = decodeAoo(bytes);
    if (m.ok) handle(m.value, from, now());
  });
}

/** A Source that streams one sine tone at a time to one sink. */
export class ToneSource {
  private readonly source: Source;
  private readonly silence = new Float32Array(BLOCK_SIZE);
  private tone: { readonly hz: number; readonly blocks: number; sent: number } | null = null;
  private sink: Endpoint | null = null;

  constructor(id: number, udp: UdpEndpoint, now: Clock) {
    this.source = new Source({ id, format: FORMAT, processBlockSize: BLOCK_SIZE, sampleRate: SAMPLE_RATE, random: Math.random });
    attach(udp, MsgType.Source, id, now, (m, from, time) => this.source.handleMessage(m, from, time));
  }

  /** Starts a tone of `hz` Hz, `seconds` long, to `sink` (the only sink from now on). */
  start(sink: Endpoint, hz: number, seconds: number): void {
    if (this.sink !== null) this.source.removeSink(this.sink);
    this.sink = sink;
    this.source.addSink(sink);
    this.source.startStream();
    this.tone = { hz, blocks: Math.ceil((seconds * SAMPLE_RATE) / BLOCK_SIZE), sent: 0 };
  }

  /** Processes the next block at `time` (NTP seconds); true when that was the tone's last block (the stream is stopped). */
  process(time: number): boolean {
    const t = this.tone;
    if (t === null) {
      this.source.process(this.silence, time);
      return false;
    }
    this.source.process(sineBlock([t.hz], AMPLITUDE, SAMPLE_RATE, BLOCK_SIZE, t.sent * BLOCK_SIZE), time);
    if (++t.sent < t.blocks) return false;
    this.source.stopStream();
    this.tone = null;
    return true;
  }

  send(out: PacketOut): void {
    this.source.send(out);
  }
}

interface Recording {
  readonly from: Endpoint;
  readonly blocks: Float32Array[];
  blocksDropped: number;
  underruns: number;
  overruns: number;
}

/** A Sink played out in real time; each stream's output, from its start to its stop, is recorded and then measured. */
export class RecordingSink {
  private readonly sink: Sink;
  private readonly block = new Float32Array(BLOCK_SIZE);
  private recording: Recording | null = null;

  constructor(
    id: number,
    latency: number,
    udp: UdpEndpoint,
    now: Clock,
    private readonly onStart: (from: Endpoint) => void,
    private readonly onStop: (from: Endpoint, stream: ReceivedStream) => void,
  ) {
    this.sink = new Sink({ id, channels: 1, sampleRate: SAMPLE_RATE, blockSize: BLOCK_SIZE, random: Math.random, latency });
    attach(udp, MsgType.Sink, id, now, (m, from, time) => {
      this.sink.handleMessage(m, from, time);
      this.handleEvents();
    });
  }

  process(time: number): void {
    this.sink.process(this.block, time);
    this.recording?.blocks.push(this.block.slice());
    this.handleEvents();
  }

  send(out: PacketOut): void {
    this.sink.send(out);
  }

  private handleEvents(): void {
    for (const e of this.sink.pollEvents()) this.handle(e);
  }

  private handle(e: SinkEvent): void {
    const r = this.recording;
    if (e.type === 'StreamStart') {
      this.recording = { from: e.endpoint, blocks: [], blocksDropped: 0, underruns: 0, overruns: 0 };
      this.onStart(e.endpoint);
    } else if (r === null) return;
    else if (e.type === 'BlockDrop') r.blocksDropped += e.count;
    else if (e.type === 'BufferUnderrun') r.underruns++;
    else if (e.type === 'BufferOverrun') r.overruns++;
    else if (e.type === 'StreamStop') {
      this.recording = null;
      const samples = new Float32Array(r.blocks.length * BLOCK_SIZE);
      r.blocks.forEach((b, i) => samples.set(b, i * BLOCK_SIZE));
      this.onStop(r.from, { ...measureTone(samples), blocksDropped: r.blocksDropped, underruns: r.underruns, overruns: r.overruns });
    }
  }
}

/** The length, frequency, SNR and longest silence of the tone in `x`. */
function measureTone(x: Float32Array): Pick<ReceivedStream, 'seconds' | 'frequency' | 'snrDb' | 'longestSilence'> {
  const first = x.findIndex((v) => Math.abs(v) > SOUND_THRESHOLD);
  if (first < 0) return { seconds: 0, frequency: 0, snrDb: 0, longestSilence: 0 };
  const sound = x.subarray(first, x.findLastIndex((v) => Math.abs(v) > SOUND_THRESHOLD) + 1);
  const edge = Math.round(EDGE_SECONDS * SAMPLE_RATE);
  const middle = sound.subarray(edge, Math.max(edge, sound.length - edge));
  if (middle.length === 0) return { seconds: sound.length / SAMPLE_RATE, frequency: 0, snrDb: 0, longestSilence: longestZeroRun(sound) };
  const frequency = fitTone(middle, zeroCrossingFrequency(middle, SAMPLE_RATE), SAMPLE_RATE).frequency;
  const windows = toneWindows(middle, frequency, SAMPLE_RATE, Math.min(middle.length, Math.round(SNR_WINDOW_SECONDS * SAMPLE_RATE)));
  return { seconds: sound.length / SAMPLE_RATE, frequency, snrDb: windows.minSnrDb, longestSilence: longestZeroRun(sound) };
}
