/**
 * CPU per stream without sockets: a Source encoding and packetizing on one side; a Sink
 * parsing, decoding, buffering and playing out on the other. Each side is timed alone.
 */
import type { StreamFormat } from '../src/codec/codec.ts';
import { PcmBitDepth, describeFormat } from '../src/codec/registry.ts';
import { SinkPacketDecoder } from '../src/protocol/aoo/sink/packet-decoder.ts';
import type { Endpoint, PacketOut, SocketAddress } from '../src/stream/endpoint.ts';
import { Sink } from '../src/stream/sink.ts';
import { Source } from '../src/stream/source.ts';
import { seededRandom } from '../src/util/random.ts';
import { T0 } from '../test/stream/harness.ts';
import { CpuMeter, median } from './cpu-meter.ts';
import { measure } from './measure.ts';
import { HOST_BLOCK, SAMPLE_RATE, hostBlocks, opusFormat, pcmFormat, testSignal } from './stream-formats.ts';

const CASES: readonly StreamFormat[] = [pcmFormat(2, 64, PcmBitDepth.float32), opusFormat(2, 120), opusFormat(2, 480)];
const RUNS = 7;
const SECONDS_PER_RUN = 10;
/** measure() warms up for 3 rounds, so 15 rounds in all: 7500 host blocks, the 10 s of a recording. */
const HEAP_ROUND_BLOCKS = 500;
const HEAP_ROUNDS = 12;

const SOURCE_ADDRESS: SocketAddress = { address: '127.0.0.1', port: 9000 };
const SINK: Endpoint = { address: '127.0.0.1', port: 9001, id: 1 };

const blockTime = (k: number): number => T0 + (k * HOST_BLOCK) / SAMPLE_RATE;

function startedSource(format: StreamFormat): Source {
  const source = new Source({ id: 1, format, processBlockSize: HOST_BLOCK, sampleRate: SAMPLE_RATE, random: seededRandom(1) });
  source.addSink(SINK, true);
  source.startStream();
  return source;
}

/** One host block of a Source: process, send (the datagrams go nowhere), poll. */
function senderStep(format: StreamFormat, signal: readonly Float32Array[]): (k: number) => void {
  const source = startedSource(format);
  const out: PacketOut = () => {};
  return (k) => {
    source.process(signal[k % signal.length]!, blockTime(k));
    source.send(out);
    source.pollEvents();
  };
}

/** CPU seconds a Source spends on `SECONDS_PER_RUN` of audio. */
function senderRun(format: StreamFormat, signal: readonly Float32Array[]): number {
  const step = senderStep(format, signal);
  const meter = new CpuMeter();
  for (let k = 0; k < hostBlocks(SECONDS_PER_RUN); k++) step(k);
  return meter.cpuSeconds();
}

/** The datagrams a Source sends to the sink, per host block, over `SECONDS_PER_RUN`. */
function record(format: StreamFormat, signal: readonly Float32Array[]): Uint8Array[][] {
  const source = startedSource(format);
  const ticks: Uint8Array[][] = [];
  for (let k = 0; k < hostBlocks(SECONDS_PER_RUN); k++) {
    const packets: Uint8Array[] = [];
    source.process(signal[k % signal.length]!, blockTime(k));
    source.send((bytes) => packets.push(bytes.slice()));
    ticks.push(packets);
  }
  return ticks;
}

/** One host block of a Sink: the datagrams of `recording[k]` arrive (parse included), it plays out, sends, polls. */
function receiverStep(format: StreamFormat, recording: readonly Uint8Array[][]): { step: (k: number) => void; played: () => boolean } {
  const sink = new Sink({ id: SINK.id, channels: format.channels, sampleRate: SAMPLE_RATE, blockSize: HOST_BLOCK, random: seededRandom(2) });
  const out = new Float32Array(format.channels * HOST_BLOCK);
  const discard: PacketOut = () => {};
  const decoder = new SinkPacketDecoder();
  let played = false;
  const step = (k: number) => {
    const time = blockTime(k);
    const datagrams = recording[k]!;
    for (let i = 0; i < datagrams.length; i++) {
      const m = decoder.decode(datagrams[i]!);
      if (m !== null) sink.handleMessage(m, SOURCE_ADDRESS, time);
    }
    sink.process(out, time);
    sink.send(discard);
    for (const e of sink.pollEvents()) if (e.type === 'StreamState' && e.state === 'active') played = true;
  };
  return { step, played: () => played };
}

/** CPU seconds a Sink spends receiving `recording` and playing it out. */
function receiverRun(format: StreamFormat, recording: readonly Uint8Array[][]): number {
  const { step, played } = receiverStep(format, recording);
  const meter = new CpuMeter();
  for (let k = 0; k < recording.length; k++) step(k);
  const cpu = meter.cpuSeconds();
  if (!played()) throw new Error(`bench rig broken: the sink never played ${describeFormat(format)}`);
  return cpu;
}

/**
 * Heap bytes per host block of `step` once running (the quietest of 12 rounds of 500 blocks,
 * after 1500): 0 means nothing allocated; a few bytes are the measuring's own.
 */
function heapPerBlock(step: (k: number) => void): number {
  let k = 0;
  return measure(() => step(k++), HEAP_ROUND_BLOCKS, HEAP_ROUNDS).bytesPerOp;
}

/** Median CPU seconds of `run` over RUNS runs, after one warm-up run. */
function medianCpu(run: () => number): number {
  run();
  return median(Array.from({ length: RUNS }, run));
}

export async function benchStream(): Promise<void> {
  console.log(
    `stream: CPU per stream without sockets, % of one core (median of ${RUNS} runs × ${SECONDS_PER_RUN} s of audio; ` +
      `host block ${HOST_BLOCK}, ${SAMPLE_RATE} Hz; µs per stream block and heap bytes per host block in brackets)`,
  );
  console.log(`  ${'format'.padEnd(28)} ${'sender: encode + packetize'.padEnd(36)} receiver: parse + decode + jitter buffer + playout`);
  for (const format of CASES) {
    const signal = testSignal(format.channels);
    const recording = record(format, signal);
    const streamBlocks = (SECONDS_PER_RUN * SAMPLE_RATE) / format.blockSize;
    const cell = (cpuSeconds: number, heapBytes: number) =>
      `${((100 * cpuSeconds) / SECONDS_PER_RUN).toFixed(2).padStart(6)} %  (${((cpuSeconds * 1e6) / streamBlocks).toFixed(1)} µs, ${heapBytes.toFixed(0)} B)`;
    const sender = medianCpu(() => senderRun(format, signal));
    const receiver = medianCpu(() => receiverRun(format, recording));
    const senderHeap = heapPerBlock(senderStep(format, signal));
    const receiverHeap = heapPerBlock(receiverStep(format, recording).step);
    console.log(`  ${describeFormat(format).padEnd(28)} ${cell(sender, senderHeap).padEnd(36)} ${cell(receiver, receiverHeap)}`);
  }
}
