/**
 * The Pd folder as a user installs it. scripts/build.mjs builds into a temporary directory (never
 * the working tree's dist/, which bin/aoo-node.mjs would then prefer to the sources), and the
 * folder is copied to another place in os.tmpdir(), with no node_modules above it.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForStderr } from '../support/cli.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Installed {
  /** The temporary directory that holds the rest; remove it after the tests. */
  readonly dir: string;
  /** What `--outdir` got: `<dir>/dist`. */
  readonly dist: string;
  /** The installed copy, `<dir>/extra/aoo-node`. */
  readonly folder: string;
  /** What the build printed. */
  readonly buildOutput: string;
}

export function buildAndInstall(): Installed {
  const dir = mkdtempSync(join(tmpdir(), 'aoo-build-'));
  try {
    const dist = join(dir, 'dist');
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs'), '--outdir', dist], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, `the build failed:\n${r.stdout}${r.stderr}`);
    const folder = join(dir, 'extra', 'aoo-node');
    cpSync(join(dist, 'pd', 'aoo-node'), folder, { recursive: true });
    return { dir, dist, folder, buildOutput: r.stdout };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The files under `dir`, relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** The environment of `node` run by a user: without the NODE_OPTIONS or NODE_PATH of the test runner. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  delete env.NODE_PATH;
  return env;
}

/** `node <folder>/engine/aoo-node.mjs engine`, resolved once it listens; the caller kills it. */
export async function startInstalledEngine(installed: Installed, controlPort: number): Promise<ChildProcess> {
  const script = join(installed.folder, 'engine', 'aoo-node.mjs');
  const child = spawn(process.execPath, [script, 'engine', '--control-port', String(controlPort), '--idle-exit', '0'], {
    cwd: installed.dir,
    env: userEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    await waitForStderr(child, 'listening on');
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return child;
}
