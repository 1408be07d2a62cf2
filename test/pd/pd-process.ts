/** The real Debian Pd and the engine as processes, for the end-to-end tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCli, waitForStderr } from '../support/cli.ts';
import type { PdPatch } from './pd-patch.ts';

export const PD = '/usr/bin/pd';

/** Networked patches need real time and socket polling: never -batch (hosts.md). */
export const PD_FLAGS = ['-nogui', '-nosound', '-r', '48000', '-sleepgrain', '1', '-stderr'];

export interface Running {
  readonly child: ChildProcess;
  /** stderr so far, line by line. */
  readonly lines: string[];
  /** Resolves with the first line (past or future) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

function track(child: ChildProcess, label: string): Running {
  running.add(child);
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    lines,
    exited,
    waitFor(pattern, timeoutMs = 10000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${label}: no line matching ${pattern} in ${timeoutMs} ms; stderr:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

/** Writes `patch` to `dir/name` and opens it in Pd. */
export function startPd(dir: string, name: string, patch: PdPatch, extraArgs: string[] = []): Running {
  const file = join(dir, name);
  writeFileSync(file, patch.text());
  const child = spawn(PD, [...PD_FLAGS, ...extraArgs, '-open', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  return track(child, `pd ${name}`);
}

/** `aoo-node engine` on `controlPort`, resolved once it listens. */
export async function startEngine(controlPort: number, idleExit = 0): Promise<Running> {
  const { child } = startCli(['engine', '--control-port', String(controlPort), '--idle-exit', String(idleExit)], 60000);
  const listening = waitForStderr(child, 'listening on');
  const r = track(child, 'engine');
  await listening;
  return r;
}

/** Kills every Pd and engine these helpers started (for `after`/`afterEach`). */
export async function killAll(): Promise<void> {
  const exits = [...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  }));
  await Promise.all(exits);
}

export function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 40000);
}
