/**
 * Child process of the fan-out and streams-per-core benches: `LiveSinks` on one loopback port,
 * played by their own real-time clock, so the parent's CPU figure is the sending side's alone.
 * argv: sink count, channels. IPC (bench/live-peer.ts): sends `ready`, answers `tally`, exits on
 * `stop` or disconnect.
 */
import { CpuMeter } from './cpu-meter.ts';
import { type Lateness, LiveClock } from './live-clock.ts';
import { servePeer } from './live-peer.ts';
import { type SinkHealth, LiveSinks } from './live-sinks.ts';

export type FromSinkProcess =
  | { readonly type: 'ready'; readonly port: number }
  /** Since the previous tally: `cpuPercent` of this process in % of one core, `lateness` of its block clock. */
  | { readonly type: 'tally'; readonly health: SinkHealth; readonly cpuPercent: number; readonly lateness: Lateness };

const [count, channels] = process.argv.slice(2).map(Number);
// Host rate = stream rate and no clock drift on one machine: the sinks skip dynamic resampling,
// which changes nothing the sender does.
const sinks = await LiveSinks.open(count!, channels!, { dynamicResampling: false });
const clock = new LiveClock(
  (time) => sinks.process(time),
  () => sinks.send(),
);
const cpu = new CpuMeter();
servePeer(
  () => {
    const tally: FromSinkProcess = { type: 'tally', health: sinks.takeHealth(), cpuPercent: cpu.percent(), lateness: clock.takeLateness() };
    cpu.restart();
    return tally;
  },
  () => {
    clock.stop();
    sinks.close();
  },
);
clock.start();
process.send!({ type: 'ready', port: sinks.port } satisfies FromSinkProcess);
