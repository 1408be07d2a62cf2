import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../../src/util/wav.ts';
import { TEST_LOCAL_LATENCY } from './patches.ts';
import { PdPatch } from './pd-patch.ts';
import { killAll, randomPort, startEngine, startPd } from './pd-process.ts';

/** A one-sample impulse at the logical time of the bang it gets (vline~ is sample-accurate). */
function impulse(p: PdPatch): { trigger: number; out: number } {
  const trigger = p.obj('t b b');
  const vline = p.obj('vline~');
  const on = p.msg('1');
  const later = p.obj('delay 1 1 samp');
  const off = p.msg('0');
  p.connect(trigger, 1, on).connect(on, 0, vline);
  p.connect(trigger, 0, later).chain(later, off, vline);
  return { trigger, out: vline };
}

/**
 * One Pd: [aoo.send~ 1] → engine → UDP → [aoo.receive~ 1]. Ten samples into a block, the
 * sender gets `list 0 f 1` and an impulse on its input; the receiver makes a marker impulse
 * when its `msg` event comes. Both the received audio and the marker are recorded.
 */
function messagePatch(controlPort: number, sendPort: number, receivePort: number, wav: string): PdPatch {
  const p = new PdPatch();
  const send = p.obj(`aoo.send~ 1 ${sendPort} 1`);
  const recv = p.obj(`aoo.receive~ 1 ${receivePort} 1 50`);
  const lb = p.obj('loadbang');
  p.connect(lb, 0, p.msg(`; aoo-node-port ${controlPort}; pd dsp 1`));
  const setup = p.msg(`add 127.0.0.1 ${receivePort} 1, start`);
  p.connect(lb, 0, setup).connect(setup, 0, send);
  const local = p.msg(`local_latency ${TEST_LOCAL_LATENCY}`);
  p.connect(lb, 0, local).connect(local, 0, recv);
  p.connect(recv, 1, p.obj('print EVENT'));
  p.connect(recv, 2, p.obj('print STATUS'));

  const source = impulse(p);
  p.connect(source.out, 0, send);
  const marker = impulse(p);
  p.obj('array define rec 48000');
  p.obj('array define mark 48000');
  const rec = p.obj('tabwrite~ rec');
  const mark = p.obj('tabwrite~ mark');
  p.connect(recv, 0, rec).connect(marker.out, 0, mark);
  // the receiver's `msg …` → the marker
  const msg = p.obj('route msg');
  p.connect(recv, 1, msg);
  const any = p.obj('t b');
  p.connect(msg, 0, any).connect(any, 0, marker.trigger);

  // When the stream is active: record 1 s; 0.3 s in, the next DSP tick + 10 samples, the message and the impulse.
  const state = p.obj('route state');
  const split = p.obj('list split 3');
  const active = p.obj('sel 1');
  const once = p.obj('spigot 1');
  const go = p.obj('t b b b');
  p.connect(recv, 1, state).chain(state, split);
  p.connect(split, 1, active).chain(active, once, go);
  const close = p.msg('0');
  p.connect(go, 2, close).connect(close, 0, once, 1);
  p.connect(go, 1, rec).connect(go, 1, mark);
  const wait = p.obj('delay 300');
  const armed = p.obj('spigot');
  const arm = p.msg('1');
  const disarm = p.msg('0');
  const tick = p.obj('bang~');
  const fire = p.obj('delay 10 1 samp');
  const both = p.obj('t b b b');
  const message = p.msg('list 0 f 1');
  p.connect(go, 0, wait).chain(wait, arm).connect(arm, 0, armed, 1);
  p.chain(tick, armed, fire, both);
  p.connect(both, 2, disarm).connect(disarm, 0, armed, 1);
  p.connect(both, 1, message).connect(message, 0, send);
  p.connect(both, 0, source.trigger);
  const write = p.obj('delay 1100');
  p.connect(go, 0, write);
  p.chain(write, p.msg(`write -wave -bytes 4 ${wav} rec mark`), p.obj('soundfiler'), p.obj('print WROTE'));
  return p;
}

describe('stream messages through Pd (real Pd, real engine)', function () {
  this.timeout(20000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'aoo-pd-msg-'))));
  after(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a message sent with an impulse comes out of [aoo.receive~] on the impulse’s sample', async () => {
    const controlPort = randomPort();
    await startEngine(controlPort);
    const wav = join(dir, 'msg.wav');
    const pd = startPd(dir, 'msg.pd', messagePatch(controlPort, randomPort(), randomPort(), wav));
    await pd.waitFor(/WROTE/, 15000);
    assert.ok(pd.lines.some((l) => /^EVENT: msg 127\.0\.0\.1 \d+ 1 0 f 1$/.test(l)), pd.lines.join('\n'));
    const [audio, marker] = readWav(wav).channels as [Float32Array, Float32Array];
    const impulses = [...audio.keys()].filter((i) => audio[i] !== 0);
    const marks = [...marker.keys()].filter((i) => marker[i] !== 0);
    assert.equal(marks.length, 1, `marker samples ${marks.join(' ')}`);
    assert.deepEqual(impulses, marks, 'the impulse and the message share their sample');
    assert.equal(audio[marks[0]!], 1);
  });
});
