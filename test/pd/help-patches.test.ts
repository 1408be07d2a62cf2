import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AooServer } from '../../src/net/server/aoo-server.ts';
import { startCli } from '../support/cli.ts';
import { PD_PACKAGE, PdPatch } from './pd-patch.ts';
import { type Running, killAll, randomPort, startEngine, startPd } from './pd-process.ts';

const HELP_DIR = fileURLToPath(new URL('../../help-patches/', import.meta.url));
/** Each object's help patch, and the object it shows. */
const HELP_PATCHES = [
  { file: 'aoo.send~-help.pd', object: 'aoo.send~' },
  { file: 'aoo.receive~-help.pd', object: 'aoo.receive~' },
  { file: 'aoo.client-help.pd', object: 'aoo.client' },
  { file: 'aoo.server-help.pd', object: 'aoo.server' },
];
const ROOM = 'rehearsal-room.pd';
const PROBLEM = /couldn't create|error|connection failed|bad arguments|no such/i;

interface Box {
  readonly kind: string;
  readonly x: number;
  readonly y: number;
  /** As the box shows it: escapes removed, without a comment's `, f <width>`. */
  readonly text: string;
}

/** The boxes of a .pd file's top-level canvas, and of its subpatches by name (`pd META` → "META"). */
function parsePatch(source: string): { readonly top: Box[]; readonly subpatches: Map<string, Box[]> } {
  const subpatches = new Map<string, Box[]>();
  const stack: Box[][] = [];
  for (const statement of source.split(/(?<!\\);\r?\n/)) {
    const words = statement.replace(/\s+/g, ' ').trim().split(' ');
    const [chunk, kind, x, y, ...rest] = words;
    if (chunk === '#N' && kind === 'canvas') {
      stack.push([]);
      continue;
    }
    if (chunk !== '#X' || !['obj', 'msg', 'text', 'floatatom', 'symbolatom', 'listbox', 'restore'].includes(kind!)) continue;
    const text = rest.join(' ').replace(/, f \d+$/, '').replace(/\\([,;$])/g, '$1');
    if (kind === 'restore') {
      const inner = stack.pop()!;
      if (rest[0] === 'pd' && rest[1] !== undefined) subpatches.set(rest[1], inner);
    }
    stack.at(-1)!.push({ kind: kind!, x: Number(x), y: Number(y), text });
  }
  assert.equal(stack.length, 1, 'unbalanced #N canvas / #X restore');
  return { top: stack[0]!, subpatches };
}

function readPatch(file: string): ReturnType<typeof parsePatch> {
  return parsePatch(readFileSync(join(HELP_DIR, file), 'utf8'));
}

/** `KEY value…` lines of a META subpatch (or of aoo-node-meta.pd's). */
function metaFields(boxes: readonly Box[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const b of boxes) {
    const m = /^([A-Z_0-9]+) (.+)$/.exec(b.text);
    if (b.kind === 'text' && m !== null) fields.set(m[1]!, m[2]!);
  }
  return fields;
}

/**
 * A click on the top-level message box of `file` that shows `text`, as two messages to the
 * patch's canvas (`pd-<file> mouse x y 1 0`, then `mouseup`): Pd runs them without a GUI.
 */
function click(file: string, text: string): string[] {
  const box = readPatch(file).top.find((b) => b.kind === 'msg' && b.text === text);
  assert.ok(box !== undefined, `${file} has no message box "${text}"`);
  const [x, y] = [box.x + 4, box.y + 4];
  return [`pd-${file} mouse ${x} ${y} 1 0`, `pd-${file} mouseup ${x} ${y} 1 0`];
}

/**
 * A patch that forwards `<receiver> <a> <b> <c> <d> <e>` datagrams from UDP port `port` to
 * `<receiver>` (the canvas messages of `click`), so that a test clicks while Pd runs.
 */
function clickForwarder(port: number): PdPatch {
  const p = new PdPatch();
  return p.chain(p.obj(`netreceive -u ${port}`), p.obj('list'), p.msg('; $1 $2 $3 $4 $5 $6'));
}

/** Sends `messages` (FUDI) to a `clickForwarder` on `port`. */
async function sendClicks(port: number, messages: readonly string[]): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (const m of messages) await new Promise<void>((resolve, reject) => socket.send(`${m};\n`, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  } finally {
    socket.close();
  }
}

/** Resolves when a line of the child's stdout matches `pattern`. */
function untilStdout(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no stdout line matching ${pattern} in ${timeoutMs} ms; stdout:\n${seen}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.split('\n').some((l) => pattern.test(l))) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function problems(pd: Running): string[] {
  return pd.lines.filter((l) => PROBLEM.test(l));
}

/** Pd with `files` open from help-patches/ and the library on its path; `send` after loading (`-send`). */
function startPdWith(dir: string, name: string, files: readonly string[], send: readonly string[], driver: PdPatch = new PdPatch()): Running {
  const opens = files.flatMap((f) => ['-open', join(HELP_DIR, f)]);
  return startPd(dir, name, driver, ['-path', PD_PACKAGE, ...opens, '-send', send.join('; ')]);
}

describe('Pd help patches and the rehearsal-room example (real Pd)', function () {
  this.timeout(40000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'aoo-help-'))));
  afterEach(killAll);
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of [...HELP_PATCHES.map((h) => h.file), ROOM]) {
    it(`${file} opens without errors`, async () => {
      const pd = startPdWith(dir, 'open.pd', [file], ['pd quit']);
      assert.equal(await pd.exited, 0, pd.lines.join('\n'));
      assert.deepEqual(problems(pd), [], pd.lines.join('\n'));
    });
  }

  it('every help patch shows its object and has a [pd META] with the library\'s license and version', () => {
    const library = metaFields(parsePatch(readFileSync(join(PD_PACKAGE, 'aoo-node-meta.pd'), 'utf8')).subpatches.get('META') ?? []);
    assert.ok(library.has('VERSION') && library.has('LICENSE'), 'aoo-node-meta.pd: VERSION and LICENSE');
    for (const { file, object } of HELP_PATCHES) {
      const { top, subpatches } = readPatch(file);
      assert.ok(top.some((b) => b.kind === 'obj' && b.text.split(' ')[0] === object), `${file}: a live [${object}]`);
      const meta = subpatches.get('META');
      assert.ok(meta !== undefined, `${file}: [pd META]`);
      const fields = metaFields(meta);
      for (const key of ['DESCRIPTION', 'INLET_0', 'OUTLET_0']) assert.ok((fields.get(key) ?? '').length > 0, `${file}: META ${key}`);
      assert.equal(fields.get('AUTHOR'), 'aoo-node contributors', `${file}: META AUTHOR`);
      assert.equal(fields.get('LICENSE'), library.get('LICENSE'), `${file}: META LICENSE`);
      assert.equal(fields.get('VERSION'), library.get('VERSION'), `${file}: META VERSION`);
    }
  });

  it('the aoo.send~ and aoo.receive~ help examples stream to each other, stream message included', async () => {
    const controlPort = randomPort();
    await startEngine(controlPort);
    const send = 'aoo.send~-help.pd';
    const receive = 'aoo.receive~-help.pd';
    const clicks = randomPort();
    const pd = startPdWith(dir, 'examples.pd', [receive, send], [`aoo-node-port ${controlPort}`, 'pd dsp 1', ...click(send, 'add 127.0.0.1 9999 1'), ...click(send, 'start')], clickForwarder(clicks));
    await pd.waitFor(/^send-event: add 127\.0\.0\.1 9999 1$/);
    await pd.waitFor(/^receive-event: start 127\.0\.0\.1 9998 1$/, 15000);
    await pd.waitFor(/^receive-event: state 127\.0\.0\.1 9998 1 1$/, 15000);
    await sendClicks(clicks, [...click(send, '0 text 104 105'), ...click(receive, 'source_list')]);
    await pd.waitFor(/^stream-message: 0 text 104 105$/);
    await pd.waitFor(/^receive-event: source 127\.0\.0\.1 9998 1$/);
    assert.deepEqual(problems(pd), [], pd.lines.join('\n'));
  });

  it('the aoo.client and aoo.server help examples: connect, join, stream to "aoo-node receive" by name, disconnect', async () => {
    const controlPort = randomPort();
    const engine = await startEngine(controlPort);
    const client = 'aoo.client-help.pd';
    const clicks = randomPort();
    const pd = startPdWith(dir, 'rooms.pd', ['aoo.server-help.pd', client], [`aoo-node-port ${controlPort}`, 'pd dsp 1'], clickForwarder(clicks));
    await engine.waitFor(/aoo\.server 7078: opened/);
    await engine.waitFor(/aoo\.client 9998: opened/);
    await sendClicks(clicks, click(client, 'connect 127.0.0.1 7078'));
    await pd.waitFor(/^server-event: client_add 0x[0-9A-F]+$/);
    await sendClicks(clicks, click(client, 'group_join band _ alice'));
    await pd.waitFor(/^client-event: group_join band 1 \d+$/);
    await pd.waitFor(/^server-event: group_add band$/);
    await pd.waitFor(/^server-event: group_join band alice \d+$/);

    // The second member of the help text; the patch's [aoo.send~] streams to it by name.
    const bob = startCli(['receive', '--server', '127.0.0.1:7078', '--group', 'band', '--group-password', '_', '--user', 'bob', '--out', join(dir, 'bob.wav')], 30000);
    try {
      await pd.waitFor(/^client-event: peer_join band bob \d+ \S+ \d+$/, 15000);
      await sendClicks(clicks, click(client, 'add band bob 1 , start'));
      await pd.waitFor(/^send-event: add band bob 1$/);
      // A ping event: bob's sink answers our source; bob plays it.
      await pd.waitFor(/^send-event: ping band bob 1 /, 15000);
      await untilStdout(bob.child, /"event":"stream_state".*"state":"active".*"user":"alice"/, 15000);
    } finally {
      bob.child.kill('SIGINT');
    }
    assert.equal((await bob.done).code, 0);

    await sendClicks(clicks, click(client, 'disconnect'));
    await pd.waitFor(/^server-event: client_remove 0x[0-9A-F]+$/);
    assert.deepEqual(problems(pd), [], pd.lines.join('\n'));
  });

  describe('rehearsal-room.pd', () => {
    let server: AooServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    /** A musician: the room joined by `room-join` (as the demo does), a tone by `room-tone`; clicks from `clickPort`. */
    function musician(user: string, tone: number, controlPort: number, serverPort: number, clickPort: number): Running {
      const join = [`aoo-node-port ${controlPort}`, `room-tone ${tone}`, `room-join 127.0.0.1 ${serverPort} band ${user} ${randomPort()}`];
      return startPdWith(dir, `${user}.pd`, [ROOM], join, clickForwarder(clickPort));
    }

    it('two musicians join one group, hear each other and see the other leave, one "room:" line per event', async () => {
      const controlPort = randomPort();
      await startEngine(controlPort);
      server = await AooServer.listen({ port: 0, host: '127.0.0.1' });
      const [aliceClicks, bobClicks] = [randomPort(), randomPort()];
      const alice = musician('alice', 440, controlPort, server.port, aliceClicks);
      const bob = musician('bob', 660, controlPort, server.port, bobClicks);
      for (const [pd, other] of [[alice, 'bob'], [bob, 'alice']] as const) {
        await pd.waitFor(/^room: link 1 aoo\.client$/);
        await pd.waitFor(/^room: connection 1$/, 15000);
        await pd.waitFor(/^room: group_join band 1 \d+$/, 15000);
        await pd.waitFor(new RegExp(`^room: peer_join band ${other} \\d+ \\S+ \\d+$`), 15000);
        await pd.waitFor(new RegExp(`^room: add band ${other} 1$`));
        await pd.waitFor(new RegExp(`^room: start band ${other} \\d+$`), 15000);
        await pd.waitFor(new RegExp(`^room: state band ${other} \\d+ 1$`), 15000);
        await pd.waitFor(/^room: (peer_ping|ping) /, 15000);
        // The other one's tone, amplitude 0.5: -9 dBFS RMS.
        await pd.waitFor(/^room: level -([6-9]|1[01])(\.\d+)?$/, 15000);
      }

      await sendClicks(bobClicks, click(ROOM, '; room-leave bang'));
      await bob.waitFor(/^room: connection 0$/);
      await alice.waitFor(/^room: peer_leave band bob \d+/, 15000);
      await alice.waitFor(/^room: remove \S+ \S+ 1$/);
      assert.deepEqual([...problems(alice), ...problems(bob)], [], [...alice.lines, '---', ...bob.lines].join('\n'));
    });
  });
});
