import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_LOCAL_LATENCY } from './patches.ts';
import { PdPatch } from './pd-patch.ts';
import { killAll, randomPort, startEngine, startPd } from './pd-process.ts';

/**
 * One Pd: [aoo.send~ 1] (Opus, codec options set and read back) streaming to
 * [aoo.receive~ 1]; 0.5 s after the stream is active the receiver gets `fill_ratio`, then
 * `reset`, and the sender `reset`.
 */
function methodsPatch(controlPort: number, sendPort: number, receivePort: number): PdPatch {
  const p = new PdPatch();
  const send = p.obj(`aoo.send~ 1 ${sendPort} 1`);
  const recv = p.obj(`aoo.receive~ 1 ${receivePort} 1 50`);
  const lb = p.obj('loadbang');
  p.connect(lb, 0, p.msg(`; aoo-node-port ${controlPort}; pd dsp 1`));
  const setup = p.msg(`format opus, codec_set bitrate 64, codec_set complexity 3, codec_get bitrate, codec_get complexity, add 127.0.0.1 ${receivePort} 1, start`);
  p.connect(lb, 0, setup).connect(setup, 0, send);
  const local = p.msg(`local_latency ${TEST_LOCAL_LATENCY}`);
  p.connect(lb, 0, local).connect(local, 0, recv);
  p.connect(p.obj('osc~ 440'), 0, send);
  p.connect(send, 0, p.obj('print SEND'));
  p.connect(recv, 1, p.obj('print EVENT'));

  const state = p.obj('route state');
  const split = p.obj('list split 3');
  const active = p.obj('sel 1');
  const once = p.obj('spigot 1');
  const go = p.obj('t b b');
  p.connect(recv, 1, state).chain(state, split);
  p.connect(split, 1, active).chain(active, once, go);
  const close = p.msg('0');
  p.connect(go, 1, close).connect(close, 0, once, 1);
  const wait = p.obj('delay 500');
  const ask = p.msg(`fill_ratio, fill_ratio 127.0.0.1 ${sendPort} 1, reset 127.0.0.1 ${sendPort} 1`);
  p.connect(go, 0, wait).chain(wait, ask).connect(ask, 0, recv);
  const resetSend = p.msg('reset');
  p.connect(wait, 0, resetSend).connect(resetSend, 0, send);
  return p;
}

describe('codec_set / codec_get, fill_ratio, reset through Pd (real Pd, real engine)', function () {
  this.timeout(20000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'aoo-pd-methods-'))));
  after(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the sender reads back its Opus options; the receiver reports its fill ratio; both reset without an error', async () => {
    const controlPort = randomPort();
    await startEngine(controlPort);
    const sendPort = randomPort();
    const pd = startPd(dir, 'methods.pd', methodsPatch(controlPort, sendPort, randomPort()));
    await pd.waitFor(/EVENT: fill_ratio/, 15000);
    // The resets come in the same logical time: the stream starts again once (a second `start` event).
    const restarted = () => pd.lines.filter((l) => l.startsWith('EVENT: start ')).length >= 2;
    for (let i = 0; i < 50 && !restarted(); i++) await new Promise((r) => setTimeout(r, 100));
    const lines = pd.lines.join('\n');
    assert.ok(pd.lines.includes('SEND: codec_get bitrate 64'), lines);
    assert.ok(pd.lines.includes('SEND: codec_get complexity 3'), lines);
    const ratios = pd.lines.filter((l) => l.startsWith('EVENT: fill_ratio'));
    assert.equal(ratios.length, 2, lines);
    for (const r of ratios) {
      const m = new RegExp(`^EVENT: fill_ratio 127\\.0\\.0\\.1 ${sendPort} 1 (\\S+)$`).exec(r);
      assert.ok(m !== null && Number(m[1]) > 0 && Number(m[1]) <= 1, r);
    }
    assert.ok(restarted(), `the stream started again after the resets:\n${lines}`);
    assert.ok(!/error|not supported/i.test(lines), lines);
  });
});
