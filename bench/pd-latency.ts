/**
 * Smallest local latency of `[aoo.receive~]` in the real Pd, for `-sleepgrain 1` and Pd's
 * default sleep grain: one Pd streams two sines from `[aoo.send~ 2]` through the engine (and
 * UDP on 127.0.0.1) into `[aoo.receive~ 2]`, whose local latency D steps down; each step is a
 * fresh engine and Pd, measured for a fixed time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FREQS } from '../test/pd/patches.ts';
import { PdPatch } from '../test/pd/pd-patch.ts';
import { type Running, killAll, randomPort, startEngine, startPd } from '../test/pd/pd-process.ts';
import { SLEEP_GRAIN_1MS, SLEEP_GRAIN_DEFAULT, type SleepGrain, TextTable, firstLine, lastNumber, load1, machineLoad, withPdProcesses } from './pd-rig.ts';
import { ProcessCpuWindow } from './process-cpu.ts';

const GRAINS: readonly SleepGrain[] = [SLEEP_GRAIN_1MS, SLEEP_GRAIN_DEFAULT];
/** Local latency D in blocks of 64, from safe to too small. */
const STEPS = [16, 12, 8, 6, 4, 3, 2];
const STEP_SECONDS = 20;
/** After the stream became active, before the measured window. */
const SETTLE_MS = 1000;
/** From Pd's start until the stream must be active (the engine and Pd start on a busy machine). */
const ACTIVE_TIMEOUT_MS = 20000;
const MAX_UNDERRUNS_PER_MINUTE = 1;
/** Once a step passed, a grain's descent ends after this many failing steps in a row (the group must stay short). */
const STOP_AFTER_FAILURES = 2;
const SINK_LATENCY_MS = 50;
const SAMPLE_RATE = 48000;
const BLOCK = 64;
/** `[env~ 64 64]` of a played block below this (dB, 100 = full scale) counts as silent; the sines play at about 97. */
const SILENT_DB = 40;

const blocksToMs = (blocks: number) => (blocks * BLOCK * 1000) / SAMPLE_RATE;
/**
 * What to send as `local_latency` (ms) for D blocks. The engine rounds up to whole blocks, and
 * D blocks' ms as a float32 may lie a hair above D: just under it selects exactly D.
 */
const requestMs = (blocks: number) => Math.floor(blocksToMs(blocks) * 100) / 100;

/**
 * Prints STATE (stream state events), DROPOUT (the sink's underrun events), STATUS (link,
 * latency <ms>, underruns <n>: host underruns so far) and SILENT <n> (played blocks of channel 0
 * below SILENT_DB so far).
 */
function loopPatch(controlPort: number, sendPort: number, receivePort: number, localLatencyBlocks: number): PdPatch {
  const p = new PdPatch();
  const send = p.obj(`aoo.send~ 2 ${sendPort} 1`);
  const recv = p.obj(`aoo.receive~ 2 ${receivePort} 1 ${SINK_LATENCY_MS}`);
  FREQS.forEach((f, c) => p.connect(p.obj(`osc~ ${f}`), 0, send, c));
  const lb = p.obj('loadbang');
  p.connect(lb, 0, p.msg(`; aoo-node-port ${controlPort}; pd dsp 1`));
  const setup = p.msg(`add 127.0.0.1 ${receivePort} 1, start`);
  p.connect(lb, 0, setup).connect(setup, 0, send);
  const local = p.msg(`local_latency ${requestMs(localLatencyBlocks)}`);
  p.connect(lb, 0, local).connect(local, 0, recv);
  // Silent blocks counted in [v silent-blocks], printed every 0.5 s (a line per block would flood the printout).
  const level = p.obj(`env~ ${BLOCK} ${BLOCK}`);
  const count = p.obj('f');
  const increment = p.obj('+ 1');
  p.connect(recv, 0, level).chain(level, p.obj(`moses ${SILENT_DB}`), p.obj('t b'), count, increment);
  p.connect(increment, 0, count, 1).connect(increment, 0, p.obj('v silent-blocks'));
  p.chain(lb, p.obj('metro 500'), p.obj('v silent-blocks'), p.obj('print SILENT'));
  const events = p.obj('route state underrun');
  p.connect(recv, 2, events);
  p.connect(events, 0, p.obj('print STATE'));
  p.connect(events, 1, p.obj('print DROPOUT'));
  p.connect(recv, 3, p.obj('print STATUS'));
  return p;
}

interface Measured {
  readonly kind: 'measured';
  readonly blocks: number;
  readonly seconds: number;
  readonly hostUnderruns: number;
  readonly silentBlocks: number;
  readonly streamUnderruns: number;
  /** The local latency the status outlet reported (ms). */
  readonly reportedMs: number;
  readonly linkLost: boolean;
  /** Over the window: how long Pd's and the engine's main threads were ready to run but had no CPU. */
  readonly pdWaitedMs: number;
  readonly engineWaitedMs: number;
  readonly load1: number;
}

/** The step measured nothing: the engine did not start or exited, or the stream never became active. */
interface NoStream {
  readonly kind: 'no stream';
  readonly blocks: number;
  readonly reason: string;
}

type Step = Measured | NoStream;

const perMinute = (s: Measured) => (s.hostUnderruns * 60) / s.seconds;
const passed = (s: Step) => s.kind === 'measured' && perMinute(s) <= MAX_UNDERRUNS_PER_MINUTE;

async function runStep(dir: string, grain: SleepGrain, blocks: number): Promise<Step> {
  const controlPort = randomPort();
  const receivePort = randomPort();
  const noStream = (reason: string): NoStream => ({ kind: 'no stream', blocks, reason });
  try {
    let engine: Running;
    try {
      engine = await startEngine(controlPort);
    } catch (e) {
      return noStream(`the engine did not start: ${firstLine(e)}`);
    }
    const pd = startPd(dir, 'latency.pd', loopPatch(controlPort, randomPort(), receivePort, blocks), [...grain.pdArgs]);
    const problem = await Promise.race([
      pd.waitFor(/^STATE: .* 1$/, ACTIVE_TIMEOUT_MS).then(
        () => null,
        () => `the stream was not active after ${ACTIVE_TIMEOUT_MS / 1000} s`,
      ),
      engine.exited.then((code) => `the engine exited (code ${code}): ${engine.lines.slice(-3).join(' / ')}`),
    ]);
    if (problem !== null) return noStream(problem);
    await sleep(SETTLE_MS);
    const from = pd.lines.length;
    const underrunsBefore = lastNumber(pd.lines, 'STATUS: underruns ', 0);
    const silentBefore = lastNumber(pd.lines, 'SILENT: ', 0);
    const window = new ProcessCpuWindow([pd.child.pid!, engine.child.pid!]);
    await sleep(STEP_SECONDS * 1000);
    const [pdUse, engineUse] = window.use();
    const lines = pd.lines.slice(from);
    return {
      kind: 'measured',
      blocks,
      seconds: window.seconds(),
      hostUnderruns: lastNumber(pd.lines, 'STATUS: underruns ', 0) - underrunsBefore,
      silentBlocks: lastNumber(pd.lines, 'SILENT: ', 0) - silentBefore,
      streamUnderruns: lines.filter((l) => l.startsWith('DROPOUT:')).length,
      reportedMs: lastNumber(pd.lines, 'STATUS: latency ', Number.NaN),
      linkLost: lines.includes('STATUS: link 0') || engine.child.exitCode !== null,
      pdWaitedMs: pdUse!.waitedMs,
      engineWaitedMs: engineUse!.waitedMs,
      load1: load1(),
    };
  } finally {
    await killAll();
  }
}

const TABLE = new TextTable(
  ['grain', 'D', 'local ms', 'status ms', 'secs', 'host urun', '/min', 'silent', 'strm urun', 'Pd wait ms', 'en wait ms', 'load1', 'verdict'],
  // Widths of the longest values: a grain's name, and underruns/min at D = 2 (tens of thousands).
  [SLEEP_GRAIN_DEFAULT.name.length, 0, 0, 0, 0, 0, '99999.9'.length],
);

function printStep(grain: SleepGrain, s: Step): void {
  const head = [grain.name, String(s.blocks), blocksToMs(s.blocks).toFixed(1)];
  if (s.kind === 'no stream') {
    console.log(TABLE.row([...head, `FAIL: ${s.reason}`]));
    return;
  }
  const notes = [...(s.linkLost ? ['link lost'] : []), ...(Math.abs(s.reportedMs - blocksToMs(s.blocks)) > 0.01 ? ['the status reports another latency'] : [])];
  const verdict = `${passed(s) ? 'pass' : 'FAIL'}${notes.map((n) => ` (${n})`).join('')}`;
  const numbers = [s.reportedMs.toFixed(1), s.seconds.toFixed(1), String(s.hostUnderruns), perMinute(s).toFixed(1), String(s.silentBlocks), String(s.streamUnderruns)];
  const waits = [s.pdWaitedMs.toFixed(0), s.engineWaitedMs.toFixed(0), s.load1.toFixed(2)];
  console.log(TABLE.row([...head, ...numbers, ...waits, verdict]));
}

async function descend(dir: string, grain: SleepGrain): Promise<Step[]> {
  const steps: Step[] = [];
  let failuresInARow = 0;
  for (const blocks of STEPS) {
    const step = await runStep(dir, grain, blocks);
    printStep(grain, step);
    steps.push(step);
    failuresInARow = passed(step) ? 0 : failuresInARow + 1;
    if (failuresInARow === STOP_AFTER_FAILURES && steps.some(passed)) break;
  }
  return steps;
}

function summary(grain: SleepGrain, steps: readonly Step[]): string {
  const passing = steps.filter(passed);
  if (passing.length === 0) return `  ${grain.name}: no step passed`;
  const smallest = passing[passing.length - 1]!;
  const failedAbove = steps.filter((s) => !passed(s) && s.blocks > smallest.blocks).map((s) => s.blocks);
  const note = failedAbove.length > 0 ? ` (D = ${failedAbove.join(', ')} failed: not monotonic, a noisy run)` : '';
  return `  ${grain.name}: D = ${smallest.blocks} blocks (${blocksToMs(smallest.blocks).toFixed(1)} ms)${note}`;
}

function cell(s: Step | undefined): string {
  if (s === undefined) return 'not run';
  return s.kind === 'no stream' ? 'no stream' : perMinute(s).toFixed(1);
}

function printMatrix(results: ReadonlyMap<SleepGrain, readonly Step[]>): void {
  const matrix = new TextTable(['host underruns/min', ...STEPS.map((d) => `D ${d} = ${blocksToMs(d).toFixed(1)} ms`)]);
  console.log(matrix.header());
  for (const [grain, steps] of results) console.log(matrix.row([grain.name, ...STEPS.map((d) => cell(steps.find((s) => s.blocks === d)))]));
}

export async function benchPdLatency(): Promise<void> {
  console.log(
    `pd local latency: one Pd (-nogui -nosound -r ${SAMPLE_RATE}), two sines → [aoo.send~ 2] → engine → UDP → [aoo.receive~ 2 … ${SINK_LATENCY_MS}], ` +
      `local latency D stepped down, a fresh engine and Pd per step, ${STEP_SECONDS} s measured per step after the stream is active + ${SETTLE_MS / 1000} s; ${machineLoad()}`,
  );
  console.log(
    `  pass = at most ${MAX_UNDERRUNS_PER_MINUTE} host underrun/min extrapolated from the step (in ${STEP_SECONDS} s: none; a step resolves ${(60 / STEP_SECONDS).toFixed(0)}/min). ` +
      `After a pass, a grain stops at ${STOP_AFTER_FAILURES} failing steps in a row. host urun: host underruns (status outlet); ` +
      `silent: played blocks under ${SILENT_DB} dB; strm urun: the sink's underrun events; Pd wait, en wait: ms the main thread of Pd, of the engine ` +
      'was ready to run but had no CPU (other processes on the machine)',
  );
  console.log(TABLE.header());
  const results = new Map<SleepGrain, readonly Step[]>();
  await withPdProcesses('aoo-bench-pd-latency-', async (dir) => {
    for (const grain of GRAINS) results.set(grain, await descend(dir, grain));
  });
  printMatrix(results);
  console.log(`  smallest passing local latency (${machineLoad()}):`);
  for (const [grain, steps] of results) console.log(summary(grain, steps));
}
