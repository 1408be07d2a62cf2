import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_LOCAL_LATENCY } from './patches.ts';
import { PdPatch } from './pd-patch.ts';
import { type Running, killAll, randomPort, startEngine, startPd } from './pd-process.ts';

/**
 * One Pd: [osc~ 440] → [aoo.send~ 1] → engine → [aoo.receive~ 1]; the received level is
 * printed every 1024 samples (ENV, dB; 0 = silence). `bad` is sent to the objects on
 * `; bad-send …` / `; bad-receive …` (from the test, through -send).
 */
function loopPatch(controlPort: number, sendPort: number, receivePort: number): PdPatch {
  const p = new PdPatch();
  const send = p.obj(`aoo.send~ 1 ${sendPort} 1`);
  const recv = p.obj(`aoo.receive~ 1 ${receivePort} 1 50`);
  p.connect(p.obj('osc~ 440'), 0, send);
  const lb = p.obj('loadbang');
  p.connect(lb, 0, p.msg(`; aoo-node-port ${controlPort}; pd dsp 1`));
  const setup = p.msg(`add 127.0.0.1 ${receivePort} 1, start`);
  p.connect(lb, 0, setup).connect(setup, 0, send);
  const local = p.msg(`local_latency ${TEST_LOCAL_LATENCY}`);
  p.connect(lb, 0, local).connect(local, 0, recv);
  const env = p.obj('env~ 1024');
  p.connect(recv, 0, env).connect(env, 0, p.obj('print ENV'));
  p.connect(send, 0, p.obj('print A-EVENT'));
  p.connect(send, 1, p.obj('print A-STATUS'));
  p.connect(recv, 1, p.obj('print B-EVENT'));
  p.connect(recv, 2, p.obj('print B-STATUS'));
  p.connect(p.obj('r bad-send'), 0, send);
  p.connect(p.obj('r bad-receive'), 0, recv);
  return p;
}

/** The ENV values printed after line `from`. */
function levels(pd: Running, from: number): number[] {
  return pd.lines.slice(from).flatMap((l) => (/^ENV: /.test(l) ? [Number(l.slice(5))] : []));
}

/** Resolves when `count` consecutive ENV prints after line `from` satisfy `ok`. */
async function waitForLevels(pd: Running, from: number, ok: (db: number) => boolean, count: number, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const l = levels(pd, from);
    for (let i = 0; i + count <= l.length; i++) if (l.slice(i, i + count).every(ok)) return;
    if (Date.now() > until) throw new Error(`levels after line ${from}: ${l.join(' ')}\n${pd.lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the engine link of the Pd objects (real Pd, real engine)', function () {
  this.timeout(30000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'aoo-pd-link-'))));
  afterEach(killAll);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('engine killed mid-stream: link down and silence; a new engine: link up, the stream resumes by itself', async () => {
    const controlPort = randomPort();
    const engine = await startEngine(controlPort);
    const pd = startPd(dir, 'loop.pd', loopPatch(controlPort, randomPort(), randomPort()));
    await waitForLevels(pd, 0, (db) => db > 90, 5);
    // Meters: a full-scale sine, captured and played (RMS −3 dB, peak 0 dB).
    await Promise.all([pd.waitFor(/^A-STATUS: level 0 -3 0$/), pd.waitFor(/^B-STATUS: level 0 -3 0$/)]);
    engine.child.kill('SIGKILL');
    await engine.exited;
    const killedAt = pd.lines.length;
    await Promise.all([pd.waitFor(/^A-STATUS: link 0$/), pd.waitFor(/^B-STATUS: link 0$/)]);
    await waitForLevels(pd, killedAt, (db) => db === 0, 5);
    const down = pd.lines.slice(killedAt);
    const lastLevel = (name: string) => down.filter((l) => l.startsWith(`${name}: level`)).at(-1);
    assert.equal(lastLevel('A-STATUS'), 'A-STATUS: level 0 -100 -100', 'the meters drop to the floor with the link');
    assert.equal(lastLevel('B-STATUS'), 'B-STATUS: level 0 -100 -100');
    const restartAt = pd.lines.length;
    await startEngine(controlPort);
    await waitForLevels(pd, restartAt, (db) => db > 90, 5);
    const after = pd.lines.slice(restartAt);
    assert.ok(after.includes('A-STATUS: link 1') && after.includes('B-STATUS: link 1'), after.join('\n'));
  });

  it('bad messages from the patch: an error line in the Pd window each, and nothing else changes', async () => {
    const controlPort = randomPort();
    const sendPort = randomPort();
    const receivePort = randomPort();
    await startEngine(controlPort);
    const bad = [
      'bad-send add 127.0.0.1 0 1',
      'bad-send frobnicate 3',
      'bad-send format mp3',
      'bad-send list -1 text 65',
      'bad-send packetsize 10',
      'bad-receive latency -5',
      'bad-receive local_latency 1000',
      'bad-receive invite somewhere',
    ];
    // The bad messages arrive 2 s after load (-send runs at once; [delay] in a message is not possible).
    const p = loopPatch(controlPort, sendPort, receivePort);
    const later = p.obj('delay 2000');
    p.connect(p.obj('loadbang'), 0, later);
    p.connect(later, 0, p.msg(bad.map((b) => `; ${b}`).join(' ')));
    const pd = startPd(dir, 'bad.pd', p);
    await waitForLevels(pd, 0, (db) => db > 90, 5);
    const errors = [
      `error: aoo.send~ ${sendPort} 1: add: bad port 0 (1…65535)`,
      `error: aoo.send~ ${sendPort} 1: unknown method "frobnicate"`,
      `error: aoo.send~ ${sendPort} 1: format: unknown codec mp3 (pcm or opus or null)`,
      `error: aoo.send~ ${sendPort} 1: list: channel expects a whole number 0…65535 (got -1)`,
      `error: aoo.send~ ${sendPort} 1: packetsize: expects a whole number 146…4096 (got 10)`,
      `error: aoo.receive~ ${receivePort} 1: latency: expects a number 0…10000 (got -5)`,
      `error: aoo.receive~ ${receivePort} 1: local_latency: expects a number 0…64 (got 1000)`,
      `error: aoo.receive~ ${receivePort} 1: invite: needs an endpoint: <host> <port> <id> or <group> <user> <id>`,
    ];
    for (const e of errors) await pd.waitFor(new RegExp(`^${e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    const errorAt = pd.lines.findIndex((l) => l.startsWith('error:'));
    // The stream went on as before: the level never dropped, no stream event came, the sink still has the source.
    await waitForLevels(pd, errorAt, (db) => db > 90, 10);
    assert.ok(levels(pd, errorAt).every((db) => db > 90), levels(pd, errorAt).join(' '));
    const events = pd.lines.slice(errorAt).filter((l) => /^B-EVENT: (stop|remove|add|start|state|underrun|overrun)/.test(l));
    assert.deepEqual(events, []);
    assert.equal(pd.lines.filter((l) => l.startsWith('error:')).length, errors.length, pd.lines.join('\n'));
  });

  it('without an engine: asks the GUI plugin to start one, at most every 5 s and without an error line under -nogui; not once linked', async () => {
    const controlPort = randomPort();
    const p = new PdPatch();
    const client = p.obj('aoo.client 0');
    const send = p.obj('aoo.send~ 1 0 1');
    p.connect(p.obj('loadbang'), 0, p.msg(`; aoo-node-port ${controlPort}`));
    p.connect(client, 2, p.obj('print C-STATUS')).connect(send, 1, p.obj('print S-STATUS'));
    // What the abstractions send to `pd`, as the GUI plugin would get it.
    const dispatch = p.obj('route plugin-dispatch');
    p.connect(p.obj('r pd'), 0, dispatch).connect(dispatch, 0, p.obj('print DISPATCH'));
    const pd = startPd(dir, 'dispatch.pd', p);
    const dispatches = () => pd.lines.filter((l) => l.startsWith('DISPATCH:'));
    // Both objects: the first request 1 s after loading, the next 5 s later.
    await pd.waitFor(/^DISPATCH:/, 5000);
    await new Promise((r) => setTimeout(r, 6500));
    const before = dispatches();
    assert.ok(before.length >= 2 && before.length <= 4, before.join('\n'));
    assert.ok(before.every((l) => l === `DISPATCH: aoo-node-start ${controlPort}`), before.join('\n'));
    await startEngine(controlPort);
    await Promise.all([pd.waitFor(/^C-STATUS: link 1$/), pd.waitFor(/^S-STATUS: link 1$/)]);
    const linked = dispatches().length;
    await new Promise((r) => setTimeout(r, 5500));
    assert.equal(dispatches().length, linked, 'no request while the link is up');
    assert.deepEqual(
      pd.lines.filter((l) => /error|unknown|no such|bad/i.test(l)),
      [],
    );
  });
});
