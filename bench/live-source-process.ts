/**
 * Child process of the streams-per-core bench: `LiveSources` on one loopback port, each
 * streaming to one sink of the parent, driven by their own real-time clock, so the parent's CPU
 * figure is the receiving side's alone.
 * argv: source count, stream format (bench/stream-formats.ts formatArgument), the sinks' port
 * on 127.0.0.1 and the first sink's ID (source i streams to sink first + i). IPC (bench/live-peer.ts): sends `ready`, answers `tally`,
 * exits on `stop` or disconnect.
 */
import { CpuMeter } from './cpu-meter.ts';
import { type Lateness, LiveClock } from './live-clock.ts';
import { servePeer } from './live-peer.ts';
import { LOOPBACK } from './live-udp.ts';
import { LiveSources } from './live-sources.ts';
import { parseFormatArgument } from './stream-formats.ts';

export type FromSourceProcess =
  | { readonly type: 'ready' }
  /** Since the previous tally: `cpuPercent` of this process in % of one core, `lateness` of its block clock. */
  | { readonly type: 'tally'; readonly cpuPercent: number; readonly lateness: Lateness };

const [count, format, port, firstSink] = process.argv.slice(2);
const sinkOf = (i: number) => ({ address: LOOPBACK, port: Number(port), id: Number(firstSink) + i });
const sources = await LiveSources.open(Number(count), parseFormatArgument(format!), (i) => [sinkOf(i)]);
const clock = new LiveClock(
  (time) => sources.process(time),
  () => sources.send(),
);
const cpu = new CpuMeter();
servePeer(
  () => {
    const tally: FromSourceProcess = { type: 'tally', cpuPercent: cpu.percent(), lateness: clock.takeLateness() };
    cpu.restart();
    return tally;
  },
  () => {
    clock.stop();
    sources.close();
  },
);
clock.start();
process.send!({ type: 'ready' } satisfies FromSourceProcess);
