/**
 * A musician of `aoo-node rehearsal` as a headless Pd running the example patch
 * help-patches/rehearsal-room.pd with the library in pd-package/: the patch is told where to
 * go with `room-join` and what to play with `room-tone`, and it prints what happens as
 * `room: <event…>` lines on stderr, which feed the member's tracker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemberTracker, type RehearsalMember } from './rehearsal-member.ts';

const STATE_NAMES = ['inactive', 'active', 'buffering'];
/** Seconds Pd gets to quit after SIGTERM before SIGKILL. */
const QUIT_SECONDS = 2;

/** The installed Pd, or null (the PATH, then Debian's and macOS's usual places). */
export function findPd(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin', '/Applications/Pd.app/Contents/Resources/bin'];
  for (const dir of dirs) {
    if (dir !== '' && existsSync(join(dir, 'pd'))) return join(dir, 'pd');
  }
  return null;
}

/** The checkout (or unpacked package) this program runs from: the folder that holds pd-package/. */
function packageRoot(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    if (existsSync(fileURLToPath(new URL('pd-package/', dir)))) return fileURLToPath(dir);
    dir = new URL('..', dir);
  }
  throw new Error('cannot find the pd-package folder next to this program');
}

/** Where the musician's events come from: peers' addresses, to name an endpoint given as `<ip> <port> <id>`. */
export class RoomLineReader {
  private readonly users = new Map<string, string>();

  constructor(readonly tracker: MemberTracker) {}

  /** One line of Pd's stderr; lines that are not `room: …` are ignored. */
  read(line: string): void {
    const m = /^room: (.*)$/.exec(line.trim());
    if (m === null) return;
    const [event, ...args] = m[1]!.split(/\s+/);
    const t = this.tracker;
    switch (event) {
      case 'group_join':
        if (args[1] === '1') t.joined();
        else t.fail(`could not join group ${args[0] ?? ''}`);
        break;
      case 'peer_join':
        // peer_join <group> <user> <id> <ip> <port>
        if (args[1] === undefined) break;
        t.peerJoined(args[1]);
        this.users.set(`${args[3]} ${args[4]}`, args[1]);
        break;
      case 'peer_leave':
        if (args[1] !== undefined) t.peerLeft(args[1]);
        break;
      case 'state': {
        // state <group> <user> <id> <state> or state <ip> <port> <id> <state>
        const user = this.users.get(`${args[0]} ${args[1]}`) ?? args[1];
        const state = STATE_NAMES[Number(args[3])];
        if (user !== undefined && state !== undefined) t.streamState(user, state);
        break;
      }
      case 'level': {
        const db = Number(args[0]);
        if (Number.isFinite(db)) t.level(db);
        break;
      }
      default:
    }
  }
}

export interface PdMemberOptions {
  readonly pd: string;
  /** The engine's control port on 127.0.0.1. */
  readonly controlPort: number;
  readonly server: { readonly host: string; readonly port: number };
  readonly group: string;
  readonly user: string;
  /** UDP port of the member's aoo.client, aoo.send~ and aoo.receive~. */
  readonly udpPort: number;
  readonly tone: number;
  /** Pd's error lines, and its exit if it dies. */
  readonly report: (line: string) => void;
}

export class PdMember implements RehearsalMember {
  readonly tracker: MemberTracker;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private closing = false;

  constructor(o: PdMemberOptions) {
    this.tracker = new MemberTracker(o.user);
    const root = packageRoot();
    const send = [`aoo-node-port ${o.controlPort}`, `room-tone ${o.tone}`, `room-join ${o.server.host} ${o.server.port} ${o.group} ${o.user} ${o.udpPort}`, 'pd dsp 1'];
    const args = ['-nogui', '-nosound', '-r', '48000', '-sleepgrain', '1', '-stderr', '-path', join(root, 'pd-package'), '-open', join(root, 'help-patches', 'rehearsal-room.pd'), '-send', send.join('; ')];
    this.child = spawn(o.pd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const reader = new RoomLineReader(this.tracker);
    let partial = '';
    this.child.stderr!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        reader.read(line);
        if (/error|couldn't create/i.test(line)) o.report(`${o.user} (Pd): ${line.trim()}`);
      }
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.tracker.fail(`cannot start Pd: ${e.message}`);
        resolve();
      });
      this.child.once('exit', (code, signal) => {
        if (!this.closing) this.tracker.fail(`Pd exited (${signal ?? `code ${code}`})`);
        resolve();
      });
    });
  }

  get user(): string {
    return this.tracker.user;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), QUIT_SECONDS * 1000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
