/**
 * Child process of the fan-out bench: `LiveSinks` on one loopback port, played by their own
 * real-time clock, so the parent's CPU figure is the sending side's alone.
 * argv: sink count, channels. IPC: sends `ready`, answers `tally`, exits on `stop` or disconnect.
 */
import { CpuMeter } from './cpu-meter.ts';
import { LiveClock } from './live-clock.ts';
import { type SinkHealth, LiveSinks } from './live-sinks.ts';

export type ToSinkProcess = { readonly type: 'tally' } | { readonly type: 'stop' };
export type FromSinkProcess =
  | { readonly type: 'ready'; readonly port: number }
  /** `cpuPercent`: this process since the previous tally, in % of one core. */
  | { readonly type: 'tally'; readonly health: SinkHealth; readonly cpuPercent: number };

function reply(message: FromSinkProcess): void {
  process.send!(message);
}

const [count, channels] = process.argv.slice(2).map(Number);
// Host rate = stream rate and no clock drift on one machine: the sinks skip dynamic resampling,
// which would cost this process about a core at 128 sinks and changes nothing the sender does.
const sinks = await LiveSinks.open(count!, channels!, { dynamicResampling: false });
const clock = new LiveClock(
  (time) => sinks.process(time),
  () => sinks.send(),
);
const cpu = new CpuMeter();
process.on('disconnect', () => {
  clock.stop();
  sinks.close();
});
process.on('message', (m: ToSinkProcess) => {
  if (m.type === 'stop') {
    process.disconnect();
    return;
  }
  reply({ type: 'tally', health: sinks.takeHealth(), cpuPercent: cpu.percent() });
  cpu.restart();
});
clock.start();
reply({ type: 'ready', port: sinks.port });
