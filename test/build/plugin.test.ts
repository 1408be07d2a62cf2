import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { probeEngine } from '../../src/engine/engine-process.ts';
import { randomPort } from '../pd/pd-process.ts';
import { type Installed, buildAndInstall } from './installed-folder.ts';

/** Debian's package `tcl`. */
const TCLSH = '/usr/bin/tclsh';

/**
 * Loads the plugin as the Pd GUI does, with stubs for the two Pd procedures it uses, sets where
 * it looks for node besides the PATH and ~/.nvm (argv 1), then delivers each further argument
 * as Pd's pdtk_plugin_dispatch does: the message after the receiver name as one list.
 */
const PD_GUI_STUB = `
lassign $argv folder node_dirs
namespace eval ::pd_connect {}
proc ::pd_connect::register_plugin_dispatch_receiver {name callback} { set ::receivers($name) $callback }
namespace eval ::pdwindow {}
proc ::pdwindow::post {message} { puts -nonewline "post: $message" }
proc ::pdwindow::error {message} { puts -nonewline "error: $message" }
set ::current_plugin_loadpath $folder
source [file join $folder aoo-node-plugin.tcl]
set ::aoo_node::node_dirs $node_dirs
foreach port [lrange $argv 2 end] { $::receivers(aoo-node-start) [list $port] }
`;

/** Probes `port` (0.5 s each) every 0.1 s until `wanted` holds for the answer or `tries` probes are spent; returns the last answer. */
async function probeUntil(port: number, tries: number, wanted: (pid: number | null) => boolean): Promise<number | null> {
  let pid: number | null = null;
  for (let i = 0; i < tries; i++) {
    pid = await probeEngine(port);
    if (wanted(pid)) break;
    await sleep(100);
  }
  return pid;
}

describe('aoo-node-plugin.tcl: the Pd GUI plugin that starts the engine (run by tclsh)', function () {
  this.timeout(20000);
  let installed: Installed;
  let stub: string;
  /** Engines the plugin started that have not been seen stopping. */
  const running = new Set<number>();
  before(() => {
    installed = buildAndInstall();
    stub = join(installed.dir, 'pd-gui-stub.tcl');
    writeFileSync(stub, PD_GUI_STUB);
  });
  after(() => {
    for (const pid of running) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // it stopped by itself (idle exit, or a second engine on a served port)
      }
    }
    if (installed !== undefined) rmSync(installed.dir, { recursive: true, force: true });
  });

  /** A fresh home and temporary folder for one run of the plugin. */
  function freshDirs(name: string): { home: string; temp: string } {
    const home = join(installed.dir, name, 'home');
    const temp = join(installed.dir, name, 'tmp');
    mkdirSync(home, { recursive: true });
    mkdirSync(temp, { recursive: true });
    return { home, temp };
  }

  function runPlugin(env: { PATH: string; HOME: string; TMPDIR: string }, nodeDirs: string[], messages: string[]): string {
    const r = spawnSync(TCLSH, [stub, installed.folder, nodeDirs.join(' '), ...messages], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
    assert.equal(r.status, 0, `tclsh: ${r.stderr}`);
    return r.stdout;
  }

  /** Checks that `out` posts one engine started for `port`, which answers there and logs to `log`; then stops it. */
  async function expectEngine(out: string, port: number, log: string): Promise<void> {
    const started = [...out.matchAll(/^post: aoo-node: started the engine for control port (\d+) \(pid (\d+), (.+?)\); log: (.+)$/gm)];
    for (const m of started) running.add(Number(m[2]));
    assert.equal(started.length, 1, out);
    const [, postedPort, postedPid, , postedLog] = started[0]!;
    assert.equal(Number(postedPort), port);
    assert.equal(postedLog, log);
    assert.equal(await probeUntil(port, 10, (pid) => pid !== null), Number(postedPid));
    assert.match(readFileSync(log, 'utf8'), new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(pid ${postedPid}\\)`));
    process.kill(Number(postedPid), 'SIGTERM');
    assert.equal(await probeUntil(port, 10, (pid) => pid === null), null, 'the engine still answers after SIGTERM');
    running.delete(Number(postedPid));
  }

  it('starts node engine/aoo-node.mjs on the requested control port, found on the PATH; a second request within 5 s starts nothing', async () => {
    const { home, temp } = freshDirs('path');
    const port = randomPort();
    const out = runPlugin({ PATH: dirname(process.execPath), HOME: home, TMPDIR: temp }, [], [String(port), String(port)]);
    assert.ok(out.includes(`, ${process.execPath}); log:`), out);
    await expectEngine(out, port, join(temp, 'aoo-node-engine.log'));
  });

  it('finds the newest node in ~/.nvm/versions/node/*/bin when the PATH has none (a macOS GUI app)', async () => {
    const { home, temp } = freshDirs('nvm');
    for (const version of ['v20.1.0', 'v9.11.2']) mkdirSync(join(home, '.nvm', 'versions', 'node', version, 'bin'), { recursive: true });
    symlinkSync(process.execPath, join(home, '.nvm', 'versions', 'node', 'v20.1.0', 'bin', 'node'));
    // An old node that cannot run the engine: picking it would start nothing.
    writeFileSync(join(home, '.nvm', 'versions', 'node', 'v9.11.2', 'bin', 'node'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const port = randomPort();
    const out = runPlugin({ PATH: '', HOME: home, TMPDIR: temp }, [], [String(port)]);
    assert.match(out, /v20\.1\.0\/bin\/node\)/);
    await expectEngine(out, port, join(temp, 'aoo-node-engine.log'));
  });

  it('without node anywhere, posts an error that says what to install and where it looked, and starts nothing', async () => {
    const { home, temp } = freshDirs('no-node');
    const nowhere = join(installed.dir, 'no-node-here');
    const port = randomPort();
    const out = runPlugin({ PATH: '', HOME: home, TMPDIR: temp }, [nowhere], [String(port)]);
    assert.match(out, /^error: aoo-node: cannot start the engine: Node\.js \(node\) was not found\./m);
    assert.ok(out.includes(`Looked in: ${nowhere}.`), out);
    assert.match(out, /Install Node\.js 18 or newer \(https:\/\/nodejs\.org/);
    assert.ok(out.includes(join(installed.folder, 'engine', 'aoo-node.mjs')), out);
    assert.doesNotMatch(out, /^post:/m);
    assert.equal(await probeEngine(port), null);
  });

  it('rejects a message that is not a control port', () => {
    const { home, temp } = freshDirs('bad-port');
    const out = runPlugin({ PATH: dirname(process.execPath), HOME: home, TMPDIR: temp }, [], ['70000', 'x']);
    assert.equal(out, "error: aoo-node: aoo-node-start needs a control port (1-65535), got '70000'\nerror: aoo-node: aoo-node-start needs a control port (1-65535), got 'x'\n");
  });
});
