/**
 * Installation fan-out: one source streaming to 128 sinks over real UDP on 127.0.0.1. The sinks
 * run in a child process (bench/sink-process.ts), so this process holds only the sending side:
 * the source, its socket and its block clock; its process.cpuUsage is the figure.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamFormat } from '../src/codec/codec.ts';
import { PcmBitDepth, describeFormat } from '../src/codec/registry.ts';
import type { Endpoint } from '../src/stream/endpoint.ts';
import { CpuMeter, median } from './cpu-meter.ts';
import { LATE_MS, LiveClock } from './live-clock.ts';
import { LOOPBACK } from './live-udp.ts';
import { LiveSources } from './live-sources.ts';
import { PeerProcess } from './live-peer.ts';
import type { FromSinkProcess } from './sink-process.ts';
import { HOST_BLOCK, opusFormat, pcmFormat } from './stream-formats.ts';

const SINKS = 128;
const CPU_TARGET = 50;
const CASES: readonly StreamFormat[] = [opusFormat(1, 480), pcmFormat(1, 256, PcmBitDepth.int16)];
/** All 128 sinks must have started and filled their buffers. */
const WARM_UP_MS = 1500;
const WINDOWS = 5;
const WINDOW_MS = 1000;

type SinkProcess = PeerProcess<Extract<FromSinkProcess, { type: 'ready' }>, Extract<FromSinkProcess, { type: 'tally' }>>;

/** The endpoints of the child's sinks, IDs 1…SINKS on its one port. */
function endpoints(sinks: SinkProcess): Endpoint[] {
  return Array.from({ length: SINKS }, (_, i) => ({ address: LOOPBACK, port: sinks.ready.port, id: i + 1 }));
}

async function fanout(format: StreamFormat): Promise<string> {
  const sinks: SinkProcess = await PeerProcess.start(new URL('./sink-process.ts', import.meta.url), [String(SINKS), String(format.channels)]);
  const sources = await LiveSources.open(1, format, () => endpoints(sinks));
  const clock = new LiveClock(
    (time) => sources.process(time),
    () => sources.send(),
  );
  try {
    clock.start();
    await sleep(WARM_UP_MS);
    await sinks.tally();
    clock.takeLateness();
    const whole = new CpuMeter();
    const perWindow = new CpuMeter();
    const sent0 = sources.sent;
    const t0 = performance.now();
    const percents: number[] = [];
    for (let w = 0; w < WINDOWS; w++) {
      perWindow.restart();
      await sleep(WINDOW_MS);
      percents.push(perWindow.percent());
    }
    const datagrams = (sources.sent - sent0) / ((performance.now() - t0) / 1000);
    const lateness = clock.takeLateness();
    const { health, cpuPercent: receiving } = await sinks.tally();
    return (
      `  ${describeFormat(format).padEnd(28)} ${`${median(percents).toFixed(1)} %`.padStart(7)} (target < ${CPU_TARGET} %)` +
      `  ${datagrams.toFixed(0).padStart(11)}  ${whole.waitedMs().toFixed(0).padStart(9)}  ${`${lateness.late}/${lateness.blocks}`.padStart(12)} ${lateness.worstMs.toFixed(1).padStart(8)}` +
      `  ${`${health.playing}/${health.sinks}`.padStart(8)}  ${`${health.droppedBlocks}/${health.underruns}`.padStart(17)}  ${receiving.toFixed(1).padStart(6)} %`
    );
  } finally {
    clock.stop();
    sources.close();
    await sinks.stop();
  }
}

export async function benchFanout(): Promise<void> {
  console.log(
    `fanout: one source → ${SINKS} sinks over real UDP on 127.0.0.1, host block ${HOST_BLOCK}. The sinks run in a child process; ` +
      `sender CPU = process.cpuUsage of this process, which holds only the source, its socket and its block clock ` +
      `(median of ${WINDOWS} × ${WINDOW_MS / 1000} s after ${WARM_UP_MS / 1000} s warm-up)`,
  );
  console.log(
    `  ${'format'.padEnd(28)} sender CPU              datagrams/s  waited ms²  late blocks¹ worst ms  playing  dropped/underruns  receiving process CPU`,
  );
  for (const format of CASES) console.log(await fanout(format));
  console.log(`  ¹ blocks the sending process finished more than ${LATE_MS} ms after their nominal start`);
  console.log(`  ² how long the sending process's main thread was ready to run but had no CPU (other processes on the machine)`);
}
