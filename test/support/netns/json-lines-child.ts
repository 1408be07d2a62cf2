/** A child process that reports one JSON object per line, for tests that run several programs (in network namespaces or not). */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root: children run there, so `--import tsx` resolves. */
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Grace between SIGTERM and SIGKILL when a child is stopped. */
const KILL_AFTER_MS = 2000;

/** Children still running; killed if this process exits without having stopped them (a crash, an interrupted run). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/**
 * Runs `argv` and keeps every JSON line it prints on `stream`; any other output is kept as
 * text for failure messages. `waitFor` looks at the lines already printed, then at new ones.
 */
export class JsonLinesChild<T> {
  readonly lines: T[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private otherOutput = '';
  private readonly listeners = new Set<() => void>();
  private running = true;

  constructor(
    readonly name: string,
    argv: readonly string[],
    stream: 'stdout' | 'stderr',
  ) {
    this.child = spawn(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(this.child);
    const other = stream === 'stdout' ? this.child.stderr! : this.child.stdout!;
    other.on('data', (d: Buffer) => (this.otherOutput += d.toString()));
    createInterface({ input: this.child[stream]! }).on('line', (line) => this.take(line));
    this.child.stdin!.on('error', () => {}); // a child that exited does not read its commands
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.otherOutput += `cannot start ${argv[0]}: ${e.message}\n`;
        this.ended();
        resolve(null);
      });
      this.child.on('close', (code) => {
        this.ended();
        resolve(code);
      });
    });
  }

  /** The first line, printed so far or later, that `match` accepts; fails after `ms` or when the child exits. */
  waitFor(match: (line: T) => boolean, what: string, ms: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find(match);
        if (found !== undefined) finish(() => resolve(found));
        else if (!this.running) finish(() => reject(new Error(`${this.name} exited before ${what}\n${this.transcript()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${this.name}: no ${what} within ${ms} ms\n${this.transcript()}`))), ms);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Writes `message` to the child's stdin as one JSON line. */
  send(message: unknown): void {
    if (this.running) this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  /** SIGTERM, then SIGKILL if it has not exited within 2 s; resolves when it has exited. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), KILL_AFTER_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Everything the child printed, for failure messages. */
  transcript(): string {
    const json = this.lines.map((l) => JSON.stringify(l)).join('\n');
    return `--- ${this.name} JSON lines:\n${json}\n--- ${this.name} other output:\n${this.otherOutput}`;
  }

  private take(line: string): void {
    let parsed: T;
    try {
      parsed = JSON.parse(line) as T;
    } catch {
      this.otherOutput += `${line}\n`;
      return;
    }
    this.lines.push(parsed);
    for (const l of [...this.listeners]) l();
  }

  private ended(): void {
    running.delete(this.child);
    this.running = false;
    for (const l of [...this.listeners]) l();
  }
}
