/**
 * Child process of the long-run test (node --expose-gc --import tsx <this> <measure>): heap
 * bytes per block of a running Source or Sink (PCM mono), or of a resampler (which allocates
 * nothing: the measuring's own bytes), printed as one JSON number. One measure per process:
 * objects of another shape, made for another measure, deoptimize the code compiled for the first.
 */
import { Resampler } from '../../src/dsp/resampler/resampler.ts';
import { SinkPacketDecoder } from '../../src/protocol/aoo/sink/packet-decoder.ts';
import type { PacketOut } from '../../src/stream/endpoint.ts';
import type { Sink, SinkOptions } from '../../src/stream/sink.ts';
import type { SourceOptions } from '../../src/stream/source.ts';
import { seededRandom } from '../../src/util/random.ts';
import { heapCost } from '../support/heap-cost.ts';
import { T0, fillNoise } from './harness.ts';
import { BS, SINK_ENDPOINT, SOURCE_ENDPOINT, SR, makeSink, makeSource } from './setup.ts';

export interface AllocationReport {
  /** Default settings: with a ping and a stream time every second. */
  readonly sender: number;
  readonly receiver: number;
  /** Pings and stream times off: what every block costs. */
  readonly senderBlocks: number;
  readonly receiverBlocks: number;
  /** Allocates nothing: the measuring's own bytes. */
  readonly resampler: number;
}

/** Turns off what a Source and Sink do once a second, leaving the work of every block. */
const NO_PERIODIC = { source: { pingInterval: 0, streamTimeInterval: 0 }, sink: { pingInterval: 0 } } as const;

const WARM_UP = 20_000;
const PER_ROUND = 750;
const ROUNDS = 5;

/**
 * The block times, made before measuring: a time computed per block and passed to `process()`
 * would be a new heap number in the caller (V8 boxes a double passed to a call it does not
 * inline), which is not the stream core's doing. An array that also holds an object keeps its
 * numbers boxed, so passing one allocates nothing.
 */
const TIMES: unknown[] = [{}];
for (let i = 0; i < WARM_UP + PER_ROUND * ROUNDS + 1; i++) TIMES.push(T0 + (i * BS) / SR);
TIMES.shift();
const blockTime = (k: number): number => TIMES[k] as number;
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

/** Hands the datagrams of one tick to the sink as the engine does. (Index loops: a for-of would allocate an iterator per block, here in the measured code.) */
function receiver(sink: Sink): (datagrams: readonly Uint8Array[], time: number) => void {
  const decoder = new SinkPacketDecoder();
  return (datagrams, time) => {
    for (let i = 0; i < datagrams.length; i++) {
      const m = decoder.decode(datagrams[i]!);
      if (m !== null) sink.handleMessage(m, SOURCE_ENDPOINT, time);
    }
  };
}

async function senderCost(options: Partial<SourceOptions> = {}): Promise<number> {
  const source = makeSource(SOURCE_ENDPOINT.id, 1, 32, options);
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
async function receiverCost(sourceOptions: Partial<SourceOptions> = {}, sinkOptions: Partial<SinkOptions> = {}): Promise<number> {
  const recorder = makeSource(SOURCE_ENDPOINT.id, 1, 33, sourceOptions);
  recorder.addSink(SINK_ENDPOINT);
  recorder.startStream();
  const recording = Array.from({ length: WARM_UP + PER_ROUND * ROUNDS }, (_, i) => {
    const datagrams: Uint8Array[] = [];
    recorder.process(input, blockTime(i));
    recorder.send((bytes) => datagrams.push(bytes.slice()));
    return datagrams;
  });
  // Dynamic resampling on, as in the engine: the sink follows the rate the source sends.
  const sink = makeSink(SINK_ENDPOINT.id, 1, 34, { dynamicResampling: true, ...sinkOptions });
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

const MEASURES: Readonly<Record<keyof AllocationReport, () => Promise<number>>> = {
  sender: () => senderCost(),
  receiver: () => receiverCost(),
  senderBlocks: () => senderCost(NO_PERIODIC.source),
  receiverBlocks: () => receiverCost(NO_PERIODIC.source, NO_PERIODIC.sink),
  resampler: resamplerCost,
};

const which = process.argv[2] as keyof AllocationReport;
if (!Object.hasOwn(MEASURES, which)) throw new Error(`measure one of ${Object.keys(MEASURES).join(', ')}`);
process.stdout.write(JSON.stringify(await MEASURES[which]()));
