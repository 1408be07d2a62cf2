import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PdPatch } from './pd-patch.ts';
import { killAll, startPd } from './pd-process.ts';

describe('Pd abstractions (real Pd)', function () {
  this.timeout(20000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'aoo-pd-'))));
  afterEach(killAll);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('open without errors, with one signal inlet/outlet per channel and the message outlets after them', async () => {
    const p = new PdPatch();
    const osc = p.obj('osc~ 440');
    const events = p.obj('print EV');
    const status = p.obj('print ST');
    const sig = p.obj('print~ SIG');
    // [aoo.send~ n]: inlets 0…n-1 (the first also takes messages), outlets events, status.
    for (const [args, n] of [['2 9000 1', 2], ['', 1], ['8 0 3', 8]] as const) {
      const s = p.obj(`aoo.send~ ${args}`);
      p.connect(osc, 0, s, n - 1).connect(s, 0, events).connect(s, 1, status);
    }
    // [aoo.receive~ n]: outlets 0…n-1 signals, then events, status.
    for (const [args, n] of [['2 9001 1 50', 2], ['', 1], ['8 0 2', 8]] as const) {
      const r = p.obj(`aoo.receive~ ${args}`);
      p.connect(r, n - 1, sig).connect(r, n, events).connect(r, n + 1, status);
    }
    // [aoo.client] and [aoo.server]: one inlet, outlets state, events, status.
    for (const name of ['aoo.client 9002', 'aoo.client', 'aoo.server 7078', 'aoo.server']) {
      const o = p.obj(name);
      p.connect(o, 0, events).connect(o, 1, events).connect(o, 2, status);
      p.connect(p.obj('t b'), 0, o);
    }
    const pd = startPd(dir, 'open.pd', p, ['-send', 'pd quit']);
    const code = await pd.exited;
    assert.equal(code, 0);
    const problems = pd.lines.filter((l) => /couldn't create|error|connection failed|bad arguments|no such/i.test(l));
    assert.deepEqual(problems, [], pd.lines.join('\n'));
  });

  it('refuse a signal connection to a channel they do not have, and a fourth outlet of client and server', async () => {
    for (const [name, wire] of [
      ['aoo.send~ 2 0 1', (p: PdPatch, o: number) => p.connect(p.obj('osc~ 440'), 0, o, 2)],
      ['aoo.client 0', (p: PdPatch, o: number) => p.connect(o, 3, p.obj('print X'))],
      ['aoo.server 0', (p: PdPatch, o: number) => p.connect(o, 3, p.obj('print X'))],
    ] as const) {
      const p = new PdPatch();
      wire(p, p.obj(name));
      const pd = startPd(dir, 'wrong.pd', p, ['-send', 'pd quit']);
      await pd.exited;
      assert.ok(pd.lines.some((l) => /connection failed/.test(l)), `${name}: the connection should fail`);
    }
  });
});
