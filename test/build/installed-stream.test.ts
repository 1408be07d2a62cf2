import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readWav } from '../../src/util/wav.ts';
import { PD_PACKAGE, PdPatch } from '../pd/pd-patch.ts';
import { FREQS, SR, TEST_LOCAL_LATENCY } from '../pd/patches.ts';
import { killAll, randomPort, startPd } from '../pd/pd-process.ts';
import { fitTone } from '../support/signal.ts';
import { type Installed, buildAndInstall, startInstalledEngine } from './installed-folder.ts';

/** A PdPatch without its `[declare -path <repo>/pd-package]`: the abstractions come from Pd's -path. */
class PatchOnSearchPath extends PdPatch {
  override text(): string {
    return super.text().replace(`#X declare -path ${PD_PACKAGE};\n`, '');
  }
}

const FREQ = FREQS[0]!;
const RECORD_FROM_MS = 2000;
const RECORD_SECONDS = 2;

/**
 * One Pd: [osc~] into [aoo.send~ 1 <sourcePort> 1], which streams through the engine to
 * [aoo.receive~ 1 <sinkPort> 1 50]; what that plays is recorded for RECORD_SECONDS from
 * RECORD_FROM_MS after loading (time enough for the link and the stream), then written to `wav`.
 */
function loopbackPatch(o: { controlPort: number; sourcePort: number; sinkPort: number; wav: string }): PdPatch {
  const p = new PatchOnSearchPath();
  const lb = p.obj('loadbang');
  p.connect(lb, 0, p.msg(`; aoo-node-port ${o.controlPort}; pd dsp 1`));
  const send = p.obj(`aoo.send~ 1 ${o.sourcePort} 1`);
  const sink = p.msg(`add 127.0.0.1 ${o.sinkPort} 1, start`);
  p.chain(lb, sink, send);
  p.connect(p.obj(`osc~ ${FREQ}`), 0, send);
  const recv = p.obj(`aoo.receive~ 1 ${o.sinkPort} 1 50`);
  const latency = p.msg(`local_latency ${TEST_LOCAL_LATENCY}`);
  p.chain(lb, latency, recv);
  p.obj(`array define rec ${RECORD_SECONDS * SR}`);
  const rec = p.obj('tabwrite~ rec');
  p.connect(recv, 0, rec);
  p.chain(lb, p.obj(`delay ${RECORD_FROM_MS}`), rec);
  const write = p.obj(`delay ${RECORD_FROM_MS + RECORD_SECONDS * 1000 + 100}`);
  p.chain(lb, write, p.msg(`write -wave -bytes 4 ${o.wav} rec`), p.obj('soundfiler'), p.obj('print WROTE'));
  p.connect(recv, 1, p.obj('print EVENT'));
  p.connect(recv, 2, p.obj('print STATUS'));
  return p;
}

describe('the installed Pd folder: its engine, started with node alone, streams between the objects', function () {
  this.timeout(30000);
  let installed: Installed;
  let engine: ChildProcess | undefined;
  before(() => (installed = buildAndInstall()));
  after(async () => {
    engine?.kill('SIGKILL');
    await killAll();
    if (installed !== undefined) rmSync(installed.dir, { recursive: true, force: true });
  });

  it('plays the sine sent by [aoo.send~ 1 …] at [aoo.receive~ 1 …] in the same Pd, with only the copied folder on Pd\'s path', async () => {
    const controlPort = randomPort();
    engine = await startInstalledEngine(installed, controlPort);
    const wav = join(installed.dir, 'received.wav');
    const patch = loopbackPatch({ controlPort, sourcePort: randomPort(), sinkPort: randomPort(), wav });
    assert.ok(!patch.text().includes(PD_PACKAGE), 'the patch still declares the repository\'s pd-package');
    const pd = startPd(installed.dir, 'loopback.pd', patch, ['-path', installed.folder]);
    await pd.waitFor(/WROTE/, 15000);
    assert.ok(!pd.lines.some((l) => /couldn't create/.test(l)), pd.lines.join('\n'));
    assert.ok(pd.lines.some((l) => /STATUS: link 1/.test(l)), pd.lines.join('\n'));
    const tone = fitTone(readWav(wav).channels[0]!, FREQ, SR);
    assert.ok(Math.abs(tone.frequency - FREQ) < 0.01, `${tone.frequency} Hz, sent ${FREQ} Hz; Pd:\n${pd.lines.join('\n')}`);
    assert.ok(tone.amplitude > 0.9, `amplitude ${tone.amplitude}, sent 1`);
  });
});
