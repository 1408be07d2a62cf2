/**
 * CPU per stereo stream of the real Pd and of the engine: N stereo streams from one Pd's
 * `[aoo.send~ 2]` objects through the engine (and UDP on 127.0.0.1) into another Pd's
 * `[aoo.receive~ 2]` objects. Each process's CPU comes from /proc/<pid>/stat over a measured
 * window; the idle baseline (an empty Pd with DSP on, an engine without objects) is measured apart.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FREQS } from '../test/pd/patches.ts';
import { PdPatch } from '../test/pd/pd-patch.ts';
import { killAll, randomPort, startEngine, startPd } from '../test/pd/pd-process.ts';
import { SLEEP_GRAIN_1MS, TextTable, firstLine, lastNumber, load1, machineLoad, waitForLines, withPdProcesses } from './pd-rig.ts';
import { ProcessCpuWindow, type ProcessUse } from './process-cpu.ts';

const STREAM_COUNTS = [1, 4, 8];
const FORMATS: readonly { readonly name: string; readonly method: string }[] = [
  { name: 'PCM float32', method: 'format pcm 2 64 48000 4' },
  { name: 'Opus', method: 'format opus 2 480 48000' },
];
const SINK_LATENCY_MS = 50;
/** After every stream is active, before the measured window. */
const WARM_UP_MS = 2000;
const WINDOW_SECONDS = 10;
/** From the start of both Pds until every stream must be active. */
const ACTIVE_TIMEOUT_MS = 30000;

/** At load: DSP on, and the abstractions' control port; returns the [loadbang]. */
function dspOn(p: PdPatch, controlPort: number): number {
  const lb = p.obj('loadbang');
  p.connect(lb, 0, p.msg(`; aoo-node-port ${controlPort}; pd dsp 1`));
  return lb;
}

/** The idle baseline: DSP on, no objects. */
function idlePatch(): PdPatch {
  const p = new PdPatch();
  p.connect(p.obj('loadbang'), 0, p.msg('; pd dsp 1'));
  return p;
}

/** Pd A: two sines into `streams` × [aoo.send~ 2 <sendPort> <i>], streaming to sink i of <receivePort>. */
function sendersPatch(controlPort: number, sendPort: number, receivePort: number, streams: number, format: string): PdPatch {
  const p = new PdPatch();
  const lb = dspOn(p, controlPort);
  const sines = FREQS.map((f) => p.obj(`osc~ ${f}`));
  for (let i = 1; i <= streams; i++) {
    const send = p.obj(`aoo.send~ 2 ${sendPort} ${i}`);
    sines.forEach((sine, c) => p.connect(sine, 0, send, c));
    const setup = p.msg(`${format}, add 127.0.0.1 ${receivePort} ${i}, start`);
    p.connect(lb, 0, setup).connect(setup, 0, send);
  }
  return p;
}

/** Pd B: `streams` × [aoo.receive~ 2 <receivePort> <i>]. Prints STATE (stream state events) and U<i> (host underruns so far). */
function receiversPatch(controlPort: number, receivePort: number, streams: number): PdPatch {
  const p = new PdPatch();
  dspOn(p, controlPort);
  for (let i = 1; i <= streams; i++) {
    const recv = p.obj(`aoo.receive~ 2 ${receivePort} ${i} ${SINK_LATENCY_MS}`);
    const state = p.obj('route state');
    p.connect(recv, 2, state).connect(state, 0, p.obj('print STATE'));
    const underruns = p.obj('route underruns');
    p.connect(recv, 3, underruns).connect(underruns, 0, p.obj(`print U${i}`));
  }
  return p;
}

const hostUnderruns = (lines: readonly string[], streams: number) =>
  Array.from({ length: streams }, (_, i) => lastNumber(lines, `U${i + 1}: `, 0)).reduce((a, b) => a + b, 0);

interface Idle {
  readonly pd: ProcessUse;
  readonly engine: ProcessUse;
}

async function measureIdle(dir: string): Promise<Idle> {
  try {
    const engine = await startEngine(randomPort());
    const pd = startPd(dir, 'idle.pd', idlePatch(), [...SLEEP_GRAIN_1MS.pdArgs]);
    await sleep(WARM_UP_MS);
    const window = new ProcessCpuWindow([pd.child.pid!, engine.child.pid!]);
    await sleep(WINDOW_SECONDS * 1000);
    const [pdUse, engineUse] = window.use();
    return { pd: pdUse!, engine: engineUse! };
  } finally {
    await killAll();
  }
}

interface Case {
  readonly format: string;
  readonly streams: number;
  readonly sendPd: ProcessUse;
  readonly receivePd: ProcessUse;
  readonly engine: ProcessUse;
  readonly hostUnderruns: number;
  readonly load1: number;
}

async function measureCase(dir: string, format: (typeof FORMATS)[number], streams: number): Promise<Case> {
  const controlPort = randomPort();
  const receivePort = randomPort();
  try {
    const engine = await startEngine(controlPort);
    const receivers = startPd(dir, 'receivers.pd', receiversPatch(controlPort, receivePort, streams), [...SLEEP_GRAIN_1MS.pdArgs]);
    const senders = startPd(dir, 'senders.pd', sendersPatch(controlPort, randomPort(), receivePort, streams, format.method), [...SLEEP_GRAIN_1MS.pdArgs]);
    await waitForLines(receivers, /^STATE: .* 1$/, streams, ACTIVE_TIMEOUT_MS);
    await sleep(WARM_UP_MS);
    const underrunsBefore = hostUnderruns(receivers.lines, streams);
    const window = new ProcessCpuWindow([senders.child.pid!, receivers.child.pid!, engine.child.pid!]);
    await sleep(WINDOW_SECONDS * 1000);
    const [sendPd, receivePd, engineUse] = window.use();
    return {
      format: format.name,
      streams,
      sendPd: sendPd!,
      receivePd: receivePd!,
      engine: engineUse!,
      hostUnderruns: hostUnderruns(receivers.lines, streams) - underrunsBefore,
      load1: load1(),
    };
  } finally {
    await killAll();
  }
}

const TABLE = new TextTable(
  ['format', 'streams', 'Pd send %', 'Pd recv %', 'engine %', 'Pd send/stream', 'Pd recv/stream', 'engine/stream', 'host urun', 'waited ms A/B/en', 'load1'],
  [Math.max(...FORMATS.map((f) => f.name.length))],
);

function caseRow(c: Case, idle: Idle): string {
  const perStream = (x: ProcessUse, base: ProcessUse) => ((x.cpuPercent - base.cpuPercent) / c.streams).toFixed(2);
  const waited = [c.sendPd, c.receivePd, c.engine].map((u) => u.waitedMs.toFixed(0)).join('/');
  return TABLE.row([
    c.format,
    String(c.streams),
    ...[c.sendPd, c.receivePd, c.engine].map((u) => u.cpuPercent.toFixed(1)),
    perStream(c.sendPd, idle.pd),
    perStream(c.receivePd, idle.pd),
    perStream(c.engine, idle.engine),
    String(c.hostUnderruns),
    waited,
    c.load1.toFixed(2),
  ]);
}

export async function benchPdCpu(): Promise<void> {
  console.log(
    `pd CPU per stereo stream: Pd A (two [osc~] into N × [aoo.send~ 2]) → engine → UDP → Pd B (N × [aoo.receive~ 2 … ${SINK_LATENCY_MS}]), ` +
      `Pd ${SLEEP_GRAIN_1MS.name}; CPU of each process from /proc/<pid>/stat over ${WINDOW_SECONDS} s after every stream is active + ${WARM_UP_MS / 1000} s; ` +
      `% of one core; x/stream = (x − idle) / streams. host urun: blocks that came too late for Pd B (at the default local latency); ` +
      `waited: ms the main thread of Pd A, Pd B, the engine was ready to run but had no CPU (other processes on the machine); ${machineLoad()}`,
  );
  await withPdProcesses('aoo-bench-pd-cpu-', async (dir) => {
    const idle = await measureIdle(dir);
    console.log(
      `  idle baseline: Pd (DSP on, empty patch) ${idle.pd.cpuPercent.toFixed(1)} % (waited ${idle.pd.waitedMs.toFixed(0)} ms), ` +
        `engine (no objects) ${idle.engine.cpuPercent.toFixed(1)} % (waited ${idle.engine.waitedMs.toFixed(0)} ms)`,
    );
    console.log(TABLE.header());
    for (const format of FORMATS) {
      for (const streams of STREAM_COUNTS) {
        // A case that fails to start (the engine exits, a stream never becomes active) is a row, not the end of the group.
        const c = await measureCase(dir, format, streams).catch(firstLine);
        console.log(typeof c === 'string' ? TABLE.row([format.name, String(streams), `no figures: ${c}`]) : caseRow(c, idle));
      }
    }
  });
}
