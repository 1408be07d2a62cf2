/**
 * Streams per core: N stereo streams over real UDP on 127.0.0.1, paced by a real-time block
 * clock, in three set-ups (bench/streams-per-core-setups.ts): both ends in this process, only
 * the sending end here, only the receiving end here. N doubles until a trial fails, then
 * bisects; the figure is the largest N that held.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamFormat } from '../src/codec/codec.ts';
import { PcmBitDepth, describeFormat } from '../src/codec/registry.ts';
import { CpuMeter } from './cpu-meter.ts';
import { LATE_MS } from './live-clock.ts';
import { BOTH_ENDS, type Figures, RECEIVING_END, SENDING_END, type Setup } from './streams-per-core-setups.ts';
import { HOST_BLOCK, opusFormat, pcmFormat } from './stream-formats.ts';

const CPU_LIMIT = 50;
const CASES: readonly { format: StreamFormat; target: number }[] = [
  { format: opusFormat(2, 480), target: 64 },
  { format: pcmFormat(2, 64, PcmBitDepth.float32), target: 16 },
];
const SETUPS: readonly Setup[] = [BOTH_ENDS, SENDING_END, RECEIVING_END];
const FIRST_N = 8;
const MAX_N = 1024;
/** Sinks need their latency (50 ms) plus the first /start round trip; the JIT needs a moment too. */
const WARM_UP_MS = 800;
const MEASURE_MS = 2000;
/** Each of the six ramps stays under this (a ramp may overrun it by one step): about 4 minutes in all. */
const RAMP_BUDGET_MS = 40_000;
/**
 * A trial under the CPU limit that failed on timing or audio while its main thread waited this
 * long for a CPU, or while the other end's processes were late, was disturbed by other
 * processes on the machine: it runs again, and if every try is disturbed but every stream
 * played, it is judged on CPU alone.
 */
const DISTURBED_WAIT_MS = 20;
const MAX_TRIES = 2;

interface Trial extends Figures {
  readonly streams: number;
  readonly cpuPercent: number;
  /** Main thread runnable but without a CPU (NaN: unknown). */
  readonly waitedMs: number;
}

/** Why a trial did not hold, or null if it held. */
function failure(t: Trial): string | null {
  const reasons: string[] = [];
  if (t.cpuPercent >= CPU_LIMIT) reasons.push(`CPU >= ${CPU_LIMIT} %`);
  if (t.lateness.late > 0) reasons.push(`${t.lateness.late} blocks > ${LATE_MS} ms late`);
  if (t.health.playing < t.health.sinks) reasons.push(`${t.health.sinks - t.health.playing} sinks not playing`);
  if (t.health.droppedBlocks > 0 || t.health.underruns > 0) reasons.push('sinks lost audio');
  return reasons.length > 0 ? reasons.join(', ') : null;
}

/** Under the CPU limit while other processes kept either end from running: timing cannot be judged. */
function disturbed(t: Trial): boolean {
  return t.cpuPercent < CPU_LIMIT && (!(t.waitedMs < DISTURBED_WAIT_MS) || t.otherLate > 0);
}

async function trial(setup: Setup, format: StreamFormat, streams: number): Promise<Trial> {
  const run = await setup.open(format, streams);
  try {
    run.start();
    await sleep(WARM_UP_MS);
    await run.take();
    const cpu = new CpuMeter();
    await sleep(MEASURE_MS);
    const cpuPercent = cpu.percent();
    const waitedMs = cpu.waitedMs();
    return { streams, cpuPercent, waitedMs, ...(await run.take()) };
  } finally {
    await run.close();
  }
}

function printTrial(t: Trial): void {
  const { lateness: l, health: h } = t;
  const other = Number.isNaN(t.otherCpuPercent) ? '' : `${t.otherCpuPercent.toFixed(1)} % ${t.otherLate} late`;
  console.log(
    `  ${String(t.streams).padStart(8)} ${t.cpuPercent.toFixed(1).padStart(7)} ${t.waitedMs.toFixed(0).padStart(9)} ${String(l.late).padStart(6)}/${String(l.blocks).padEnd(6)} ` +
      `${l.worstMs.toFixed(1).padStart(10)} ${`${h.playing}/${h.sinks}`.padStart(9)} ${String(h.droppedBlocks).padStart(8)} ${String(h.underruns).padStart(10)} ${other.padStart(17)}` +
      `  ${failure(t) ?? 'held'}${failure(t) !== null && disturbed(t) ? ' (disturbed)' : ''}`,
  );
}

type Outcome = 'held' | 'failed' | 'held on CPU alone';

async function outcome(setup: Setup, format: StreamFormat, streams: number): Promise<Outcome> {
  for (let tries = 1; ; tries++) {
    const t = await trial(setup, format, streams);
    printTrial(t);
    if (failure(t) === null) return 'held';
    if (!disturbed(t)) return 'failed';
    // With a stream not playing, this process did less than N streams' work: its CPU proves nothing.
    if (tries === MAX_TRIES) return t.health.playing === t.health.sinks ? 'held on CPU alone' : 'failed';
  }
}

interface RampResult {
  /** Largest N that held. */
  readonly held: number;
  /** That N held on CPU alone: other processes kept timing from being judged. */
  readonly cpuAlone: boolean;
  /** False if the time budget ran out first. */
  readonly converged: boolean;
}

/** Doubling from FIRST_N, then bisecting to within 1/8 (or 1 stream). */
async function ramp(setup: Setup, format: StreamFormat, deadline: number): Promise<RampResult> {
  let held = 0;
  let cpuAlone = false;
  let failed = Number.POSITIVE_INFINITY;
  let streams = FIRST_N;
  while (performance.now() < deadline) {
    const o = await outcome(setup, format, streams);
    if (o === 'failed') failed = streams;
    else {
      held = streams;
      cpuAlone = o === 'held on CPU alone';
    }
    if (failed - held <= Math.max(1, Math.floor(held / 8)) || held >= MAX_N) return { held, cpuAlone, converged: true };
    streams = Number.isFinite(failed) ? Math.floor((held + failed) / 2) : streams * 2;
  }
  return { held, cpuAlone, converged: false };
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

export async function benchStreamsPerCore(): Promise<void> {
  console.log(
    `streams per core: N stereo streams over real UDP on 127.0.0.1, real-time clock, host block ${HOST_BLOCK}, ` +
      `${MEASURE_MS / 1000} s per trial after ${WARM_UP_MS / 1000} s warm-up; CPU is this process's (every thread)`,
  );
  console.log(
    `  held = CPU < ${CPU_LIMIT} % of one core, no block finished > ${LATE_MS} ms after its start, every sink playing, no audio lost. ` +
      `"waited" = main thread ready but without a CPU (other processes): a trial under the CPU limit that fails after waiting >= ${DISTURBED_WAIT_MS} ms, ` +
      `or while the other end's processes were late, runs again; if all ${MAX_TRIES} tries are so disturbed, CPU alone decides (if every stream played). ` +
      `"other end" = the child processes holding the other end: their CPU (sum) and late blocks`,
  );
  console.log(`  machine load (1, 5, 15 min) at the start: ${load()}`);
  const results: string[] = [];
  for (const { format, target } of CASES) {
    for (const setup of SETUPS) {
      console.log(`  ${describeFormat(format)}, ${setup.label}`);
      console.log('   streams   CPU %  waited ms    late/blocks  worst ms   playing  dropped  underruns   other end  ');
      const { held, cpuAlone, converged } = await ramp(setup, format, performance.now() + RAMP_BUDGET_MS);
      const notes = [
        ...(cpuAlone ? [`judged on CPU alone at ${held}: other processes on this machine delayed every try, run again on a quiet one`] : []),
        ...(converged ? [] : ['the time budget ran out before the ramp converged']),
      ];
      const line = `${describeFormat(format)}, ${setup.label}: ${held} streams held (target >= ${target})${notes.map((n) => `; ${n}`).join('')}`;
      console.log(`  → ${line}`);
      results.push(line);
    }
  }
  console.log(`  summary (machine load at the end: ${load()}):`);
  for (const line of results) console.log(`    ${line}`);
}
