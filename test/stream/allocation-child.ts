/**
 * Child process of the long-run test (node --expose-gc --import tsx): heap bytes per block of
 * a running Source and Sink (PCM mono, default settings) and of the resampling they both do,
 * printed as JSON (AllocationReport).
 */
import { Resampler } from '../../src/dsp/resampler/resampler.ts';
import { decodeAoo } from '../../src/protocol/aoo/messages.ts';
import { decodeBinaryDataInto, emptySinkData } from '../../src/protocol/aoo/sink/data.ts';
import type { PacketOut } from '../../src/stream/endpoint.ts';
import type { Sink } from '../../src/stream/sink.ts';
import { seededRandom } from '../../src/util/random.ts';
import { heapCost } from '../support/heap-cost.ts';
import { T0, fillNoise } from './harness.ts';
import { BS, SINK_ENDPOINT, SOURCE_ENDPOINT, SR, makeSink, makeSource } from './setup.ts';

export interface AllocationReport {
  readonly sender: number;
  readonly receiver: number;
  readonly resampler: number;
}

const WARM_UP = 20_000;
const PER_ROUND = 750;
const ROUNDS = 5;

const blockTime = (k: number): number => T0 + (k * BS) / SR;
const discard: PacketOut = () => {};
const input = new Float32Array(BS);
fillNoise(input, seededRandom(31));
const output = new Float32Array(BS);

/** Warms `op` up, then measures its heap bytes per call; PER_ROUND calls stay well under a young generation. */
async function cost(op: () => void): Promise<number> {
  for (let i = 0; i < WARM_UP; i++) op();
  const { bytes, gcs } = await heapCost(op, PER_ROUND, ROUNDS);
  if (gcs > 0) throw new Error(`a garbage collection in every round: ${bytes} bytes in ${PER_ROUND} calls`);
  return bytes / PER_ROUND;
}

/**
 * Hands the datagrams of one tick to the sink as an engine with a fixed receive buffer would:
 * binary `/data` decoded in place into one reused frame, anything else decoded whole. (Index
 * loops: a for-of would allocate an iterator per block, here in the measured code.)
 */
function receiver(sink: Sink): (datagrams: readonly Uint8Array[], time: number) => void {
  const rx = new Uint8Array(4096);
  const frame = emptySinkData();
  return (datagrams, time) => {
    for (let i = 0; i < datagrams.length; i++) {
      const bytes = datagrams[i]!;
      if (bytes[0] === 0x81 && (bytes[1]! & 0x7f) === 0) {
        rx.set(bytes);
        if (decodeBinaryDataInto(rx, 0, bytes.length, bytes[1]! & 0x80 ? 12 : 4, frame) === null) sink.handleMessage(frame, SOURCE_ENDPOINT, time);
      } else {
        const m = decodeAoo(bytes);
        if (m.ok) sink.handleMessage(m.value, SOURCE_ENDPOINT, time);
      }
    }
  };
}

async function senderCost(): Promise<number> {
  const source = makeSource(SOURCE_ENDPOINT.id, 1, 32);
  source.addSink(SINK_ENDPOINT);
  source.startStream();
  let k = 0;
  return cost(() => {
    source.process(input, blockTime(k++));
    source.send(discard);
    source.pollEvents();
  });
}

/** The sink plays a recording: a live source would encode into the buffer the decoder reads. */
async function receiverCost(): Promise<number> {
  const recorder = makeSource(SOURCE_ENDPOINT.id, 1, 33);
  recorder.addSink(SINK_ENDPOINT);
  recorder.startStream();
  const recording = Array.from({ length: WARM_UP + PER_ROUND * ROUNDS }, (_, i) => {
    const datagrams: Uint8Array[] = [];
    recorder.process(input, blockTime(i));
    recorder.send((bytes) => datagrams.push(bytes.slice()));
    return datagrams;
  });
  const sink = makeSink(SINK_ENDPOINT.id, 1, 34);
  const receive = receiver(sink);
  let states = 0;
  let k = 0;
  const bytes = await cost(() => {
    const time = blockTime(k);
    receive(recording[k++]!, time);
    sink.process(output, time);
    sink.send(discard);
    const events = sink.pollEvents();
    for (let i = 0; i < events.length; i++) if (events[i]!.type === 'StreamState') states++;
  });
  if (states !== 2) throw new Error('the sink did not play the recording (buffering, then active)');
  return bytes;
}

/** The resampling both objects do: 48 kHz to 48 kHz, 64 frames in and out. */
async function resamplerCost(): Promise<number> {
  const resampler = new Resampler({ channels: 1, inputRate: SR, outputRate: SR, maxInputBlock: BS, maxOutputBlock: BS });
  return cost(() => {
    resampler.push(input, BS);
    resampler.pull(output, BS);
  });
}

const report: AllocationReport = { sender: await senderCost(), receiver: await receiverCost(), resampler: await resamplerCost() };
process.stdout.write(JSON.stringify(report));
