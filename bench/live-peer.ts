/**
 * The other end of a live benchmark in a child process (bench/sink-process.ts,
 * bench/live-source-process.ts), so that this process's CPU figure is one end's alone. The
 * child runs its own real-time block clock and talks over IPC: it sends `ready` once, answers
 * each `tally`, and exits on `stop` or when the parent goes away.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

export type ToPeerProcess = { readonly type: 'tally' } | { readonly type: 'stop' };

interface PeerMessage {
  readonly type: string;
}

/** The child's next IPC message; rejects if the child exits first. */
function nextMessage<M extends PeerMessage>(child: ChildProcess): Promise<M> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`bench child process exited with code ${code}`));
    };
    const onMessage = (m: M) => {
      child.off('exit', onExit);
      resolve(m);
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

/** The parent's handle. `Ready` and `Tally` are the child's two messages. */
export class PeerProcess<Ready extends { readonly type: 'ready' }, Tally extends { readonly type: 'tally' }> {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
  ) {}

  /** Forks `script` with this process's Node flags (so TypeScript loads the same way) and waits for `ready`. */
  static async start<R extends { readonly type: 'ready' }, T extends { readonly type: 'tally' }>(
    script: URL,
    args: readonly string[],
  ): Promise<PeerProcess<R, T>> {
    const child = fork(script, args);
    const ready = await nextMessage<R | T>(child);
    if (ready.type !== 'ready') throw new Error(`${script.pathname} sent '${ready.type}' before 'ready'`);
    return new PeerProcess<R, T>(child, ready as R);
  }

  /** The child's figures since the previous tally. */
  async tally(): Promise<Tally> {
    const answer = nextMessage<Ready | Tally>(this.child);
    this.child.send({ type: 'tally' } satisfies ToPeerProcess);
    const m = await answer;
    if (m.type !== 'tally') throw new Error(`bench child process sent '${m.type}' instead of a tally`);
    return m as Tally;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send({ type: 'stop' } satisfies ToPeerProcess);
    await exited;
  }
}

/** In the child: answers the parent's `tally` with `tally()`, and calls `stop()` on `stop` or when the parent goes away. */
export function servePeer(tally: () => PeerMessage, stop: () => void): void {
  process.on('disconnect', stop);
  process.on('message', (m: ToPeerProcess) => {
    if (m.type === 'stop') process.disconnect();
    else process.send!(tally());
  });
}
