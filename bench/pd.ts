/**
 * The real-Pd group: the smallest local latency of [aoo.receive~] per Pd sleep grain, then CPU
 * per stereo stream of Pd and of the engine. Several minutes: Pd and the engine run in real time.
 */
import { benchPdCpu } from './pd-cpu.ts';
import { benchPdLatency } from './pd-latency.ts';
import { machineLoad } from './pd-rig.ts';

export async function benchPd(): Promise<void> {
  const start = performance.now();
  await benchPdLatency();
  await benchPdCpu();
  console.log(`pd: done in ${((performance.now() - start) / 1000).toFixed(0)} s; ${machineLoad()}`);
}
