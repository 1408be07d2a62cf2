import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../../src/util/wav.ts';
import { startCli, waitForStderr } from '../support/cli.ts';
import { longestZeroRun, toneWindows } from '../support/signal.ts';
import { FREQS, SR, addClient, receiverPatch, senderPatch } from './patches.ts';
import { PdPatch } from './pd-patch.ts';
import { type Running, killAll, randomPort, startEngine, startPd } from './pd-process.ts';

/** `aoo-node server` on 127.0.0.1:`port`, resolved once it listens. */
async function startServer(port: number): Promise<ChildProcess> {
  const { child } = startCli(['server', '--port', String(port), '--host', '127.0.0.1'], 60000);
  await waitForStderr(child, '"listening"');
  return child;
}

/** Pd's lines that start with `prefix`. */
function linesOf(pd: Running, prefix: string): string[] {
  return pd.lines.filter((l) => l.startsWith(prefix));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('aoo.client and aoo.server in Pd (real Pd, real engine, aoo-node server)', function () {
  this.timeout(45000);
  let dir: string;
  const servers: ChildProcess[] = [];
  before(() => (dir = mkdtempSync(join(tmpdir(), 'aoo-pd-group-'))));
  afterEach(async () => {
    await killAll();
    for (const s of servers.splice(0)) s.kill('SIGKILL');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('alice streams to `band bob 1` after bob joined; bob plays it for 10 s without a dropout and names the source `band alice 1`', async () => {
    const controlPort = randomPort();
    const serverPort = randomPort();
    const [portA, portB] = [randomPort(), randomPort()];
    servers.push(await startServer(serverPort));
    await startEngine(controlPort);
    const room = { serverPort, group: 'band' };
    const b = startPd(dir, 'b.pd', receiverPatch({ controlPort, port: portB, wav: join(dir, 'b.wav'), seconds: 10, client: { ...room, user: 'bob', prefix: 'B' } }));
    const a = startPd(
      dir,
      'a.pd',
      senderPatch({ controlPort, port: portA, methods: 'add band bob 1, start', wav: join(dir, 'a.wav'), seconds: 1, client: { ...room, user: 'alice', prefix: 'A', afterPeer: 'bob' } }),
    );
    await b.waitFor(/WROTE/, 30000);
    const context = () => [...a.lines.map((l) => `A ${l}`), ...b.lines.map((l) => `B ${l}`)].join('\n');
    for (const [pd, peer, port] of [[a, 'bob', portB], [b, 'alice', portA]] as const) {
      const prefix = pd === a ? 'A' : 'B';
      assert.deepEqual(linesOf(pd, `${prefix}-CONNECTION`), [`${prefix}-CONNECTION: 1`], context());
      assert.ok(linesOf(pd, `${prefix}-CLIENT: group_join band 1 `).length === 1, context());
      assert.ok(pd.lines.some((l) => new RegExp(`^${prefix}-CLIENT: peer_join band ${peer} \\d+ \\S+ ${port}$`).test(l)), context());
    }
    assert.ok(a.lines.includes('A-EVENT: add band bob 1'), context());
    for (const e of ['add band alice 1', 'start band alice 1', 'state band alice 1 1']) assert.ok(b.lines.includes(`B-EVENT: ${e}`), `${e}\n${context()}`);
    assert.deepEqual(
      [...a.lines, ...b.lines].filter((l) => /error/i.test(l)),
      [],
    );
    const got = readWav(join(dir, 'b.wav'));
    FREQS.forEach((f, c) => {
      const x = got.channels[c]!;
      assert.ok(x.length >= 10 * SR, `${x.length} samples`);
      assert.ok(longestZeroRun(x) < 4, `channel ${c}: a run of ${longestZeroRun(x)} zeros (a dropout)\n${context()}`);
      const t = toneWindows(x, f, SR, SR / 4);
      assert.ok(t.minFrequency > f - 0.1 && t.maxFrequency < f + 0.1, `channel ${c}: ${t.minFrequency}…${t.maxFrequency} Hz, expected ${f}`);
      assert.ok(t.minSnrDb > 60, `channel ${c}: SNR down to ${t.minSnrDb.toFixed(1)} dB (a dropout or a glitch)\n${context()}`);
    });
  });

  it('bad messages to aoo.client and aoo.server: an error line each, and the connection and the group stay', async () => {
    const controlPort = randomPort();
    const serverPort = randomPort();
    const clientPort = randomPort();
    await startEngine(controlPort);
    const p = new PdPatch();
    const server = p.obj(`aoo.server ${serverPort}`);
    const client = p.obj(`aoo.client ${clientPort}`);
    const lb = p.obj('loadbang');
    p.connect(lb, 0, p.msg(`; aoo-node-port ${controlPort}`));
    const join = p.msg(`connect 127.0.0.1 ${serverPort}, group_join g _ carol`);
    p.connect(lb, 0, join).connect(join, 0, client);
    p.connect(server, 0, p.obj('print S-CLIENTS')).connect(server, 1, p.obj('print S-EVENT'));
    p.connect(client, 0, p.obj('print C-CONNECTION')).connect(client, 1, p.obj('print C-EVENT'));
    p.connect(server, 2, p.obj('print S-STATUS')).connect(client, 2, p.obj('print C-STATUS'));
    p.connect(p.obj('r bad-client'), 0, client);
    p.connect(p.obj('r bad-server'), 0, server);
    const bad = [
      `bad-client connect 127.0.0.1 ${serverPort}`,
      'bad-client connect 127.0.0.1',
      'bad-client frobnicate 3',
      'bad-client group_join g',
      'bad-client send_peer g nobody text 1',
      'bad-client packetsize 10',
      'bad-server relay 5',
      'bad-server frobnicate',
      'bad-server port -3',
    ];
    // 2 s after load the bad messages; 1 s later a good one that needs the connection and the group.
    const later = p.obj('delay 2000');
    const then = p.obj('delay 1000');
    p.connect(lb, 0, later).connect(later, 0, p.msg(bad.map((m) => `; ${m}`).join(' ')));
    p.connect(later, 0, then).connect(then, 0, p.msg('; bad-client group_leave g'));
    const pd = startPd(dir, 'bad.pd', p);
    const errors = [
      `error: aoo.client ${clientPort}: connect: already connected (disconnect first)`,
      `error: aoo.client ${clientPort}: connect: expects <host> <port> [<password>]`,
      `error: aoo.client ${clientPort}: unknown method "frobnicate"`,
      `error: aoo.client ${clientPort}: group_join: expects <group> <group-password> <user> [<user-password>]`,
      `error: aoo.client ${clientPort}: send_peer: no peer "nobody" in group "g" (yet)`,
      `error: aoo.client ${clientPort}: packetsize: expects a whole number 150…4096 (got 10)`,
      `error: aoo.server ${serverPort}: relay: expects 0 or 1 (got 5)`,
      `error: aoo.server ${serverPort}: unknown method "frobnicate"`,
      `error: aoo.server ${serverPort}: port: expects a port number 0…65535`,
    ];
    for (const e of errors) await pd.waitFor(new RegExp(`^${escape(e)}$`));
    await pd.waitFor(/^C-EVENT: group_leave g 1$/);
    await pd.waitFor(/^S-EVENT: group_leave g carol 0$/);
    // In order per object; the two objects' lines may interleave.
    for (const name of ['aoo.client', 'aoo.server']) {
      const of = (lines: string[]) => lines.filter((l) => l.startsWith(`error: ${name} `));
      assert.deepEqual(of(linesOf(pd, 'error:')), of(errors), pd.lines.join('\n'));
    }
    assert.equal(linesOf(pd, 'error:').length, errors.length);
    assert.deepEqual(linesOf(pd, 'C-CONNECTION'), ['C-CONNECTION: 1'], 'still connected');
    assert.deepEqual(linesOf(pd, 'S-CLIENTS'), ['S-CLIENTS: 1'], 'one client all along');
    // The group goes when its last member leaves.
    await pd.waitFor(/^S-EVENT: group_remove g$/);
    assert.deepEqual(linesOf(pd, 'S-EVENT'), ['S-EVENT: client_add 0x0', 'S-EVENT: group_add g', 'S-EVENT: group_join g carol 0', 'S-EVENT: group_leave g carol 0', 'S-EVENT: group_remove g']);
  });

  it('engine restarted: aoo.client logs in and joins its group again by itself', async () => {
    const controlPort = randomPort();
    const serverPort = randomPort();
    servers.push(await startServer(serverPort));
    const engine = await startEngine(controlPort);
    const p = new PdPatch();
    const lb = p.obj('loadbang');
    p.connect(lb, 0, p.msg(`; aoo-node-port ${controlPort}`));
    addClient(p, randomPort(), lb, { serverPort, group: 'band', user: 'dora', prefix: 'D' });
    const pd = startPd(dir, 'restart.pd', p);
    await pd.waitFor(/^D-CLIENT: group_join band 1 0$/);
    engine.child.kill('SIGKILL');
    await engine.exited;
    await pd.waitFor(/^D-CLIENT-STATUS: link 0$/);
    const restartAt = pd.lines.length;
    await startEngine(controlPort);
    const after = () => pd.lines.slice(restartAt);
    // The server noticed the old connection go, so the name is free again.
    for (let i = 0; i < 200 && !after().includes('D-CLIENT: group_join band 1 0'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      after().filter((l) => /^D-(CONNECTION|CLIENT): /.test(l)),
      ['D-CONNECTION: 1', 'D-CLIENT: group_join band 1 0'],
      `after the restart:\n${after().join('\n')}`,
    );
    assert.deepEqual(pd.lines.filter((l) => /error/i.test(l)), []);
  });
});
