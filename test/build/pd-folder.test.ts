import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Installed, REPO, buildAndInstall, filesUnder, userEnv } from './installed-folder.ts';

const OPUS = join(REPO, 'node_modules', '@evan', 'opus');

/** What @evan/opus loads at run time: the entry point, the prebuilt addons, and the WASM build with SIMD. */
function opusRuntimeFiles(): string[] {
  const addons = readdirSync(join(OPUS, 'node')).filter((f) => f.endsWith('.node'));
  assert.ok(addons.length > 0, 'no prebuilt addons in @evan/opus');
  return ['LICENSE', 'lib.js', 'lib.mjs', 'package.json', 'node/index.js', ...addons.map((f) => `node/${f}`), 'wasm/index.js', 'wasm/simd.wasm'];
}

describe('npm run build: the Pd folder dist/pd/aoo-node', function () {
  this.timeout(30000);
  let installed: Installed;
  before(() => (installed = buildAndInstall()));
  after(() => rmSync(installed.dir, { recursive: true, force: true }));

  it('holds the abstractions, the help patches beside them, README, LICENSE, the plugin and engine/, and nothing else', () => {
    const patches = (dir: string) => (existsSync(dir) ? filesUnder(dir).filter((f) => f.endsWith('.pd')) : []);
    const expected = [
      ...patches(join(REPO, 'pd-package')),
      ...patches(join(REPO, 'help-patches')),
      'README.md',
      'aoo-node-plugin.tcl',
      ...(existsSync(join(REPO, 'LICENSE')) ? ['LICENSE'] : []),
      'engine/aoo-node.mjs',
      ...opusRuntimeFiles().map((f) => `engine/node_modules/@evan/opus/${f}`),
    ].sort();
    const files = filesUnder(installed.folder);
    assert.deepEqual(files, expected);
    for (const f of ['aoo.send~.pd', 'aoo.receive~.pd', 'aoo-link.pd', 'aoo-node-meta.pd']) assert.ok(files.includes(f), f);
    assert.deepEqual(readFileSync(join(installed.folder, 'engine', 'aoo-node.mjs')), readFileSync(join(installed.dist, 'aoo-node.mjs')));
    assert.match(installed.buildOutput, new RegExp(`built .*aoo-node/ \\(${files.length} files, [\\d.]+ MiB\\)`));
  });

  it('zips the same files, where there is a zip program', () => {
    const zip = join(installed.dist, 'pd', 'aoo-node.zip');
    const listing = spawnSync('zip', ['-sf', zip], { encoding: 'utf8' });
    if (listing.error !== undefined) {
      assert.match(installed.buildOutput, /no zip program/);
      return;
    }
    const entries = listing.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('aoo-node/') && !l.endsWith('/'));
    assert.deepEqual(entries.map((e) => e.slice('aoo-node/'.length)).sort(), filesUnder(installed.folder));
  });

  it('runs the Opus codec with node alone: the prebuilt addon for this machine, and the WASM build where none fits', () => {
    const node = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, args, { cwd: installed.dir, env: userEnv(env), encoding: 'utf8', timeout: 20000 });
    const addon = node(['-e', `require(${JSON.stringify(join(installed.folder, 'engine', 'node_modules', '@evan', 'opus', 'node', 'index.js'))})`]);
    assert.equal(addon.status, 0, addon.stderr);
    const cli = join(installed.folder, 'engine', 'aoo-node.mjs');
    const runs: Record<string, string>[] = [{}, { OPUS_FORCE_WASM: '1' }];
    for (const env of runs) {
      const demo = node([cli, 'demo', '--seconds', '1', '--codec', 'opus'], env);
      assert.equal(demo.status, 0, `${JSON.stringify(env)}:\n${demo.stderr}`);
      assert.match(demo.stdout, /ok: sent and received 440 and 660 Hz/);
    }
  });
});
