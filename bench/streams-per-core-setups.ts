/**
 * The three ways bench/streams-per-core.ts runs N live streams: both ends in this process, or
 * one end here and the other in child processes, so that this process's CPU is one end's alone
 * (a sending machine, a receiving machine). The other end is split over several children, so
 * that it does not run out of CPU before the end being measured does.
 */
import type { StreamFormat } from '../src/codec/codec.ts';
import { type Lateness, LiveClock } from './live-clock.ts';
import { PeerProcess } from './live-peer.ts';
import { type SinkHealth, LiveSinks } from './live-sinks.ts';
import type { FromSourceProcess } from './live-source-process.ts';
import { LiveSources } from './live-sources.ts';
import { LOOPBACK } from './live-udp.ts';
import type { FromSinkProcess } from './sink-process.ts';
import { formatArgument } from './stream-formats.ts';

/** Streams per child process: about a fifth of a core for Opus sources. */
const CHILD_STREAMS = 32;

/** What happened since the previous `take()`. */
export interface Figures {
  /** Of this process's block clock. */
  readonly lateness: Lateness;
  readonly health: SinkHealth;
  /** The child processes' late blocks and CPU (sum, % of one core); 0 and NaN without children. */
  readonly otherLate: number;
  readonly otherCpuPercent: number;
}

export interface LiveRun {
  start(): void;
  take(): Promise<Figures>;
  close(): Promise<void>;
}

export interface Setup {
  /** What this process holds. */
  readonly label: string;
  open(format: StreamFormat, streams: number): Promise<LiveRun>;
}

type Ready<M> = Extract<M, { type: 'ready' }>;
type Tally<M> = Extract<M, { type: 'tally' }>;
type SinkPeer = PeerProcess<Ready<FromSinkProcess>, Tally<FromSinkProcess>>;
type SourcePeer = PeerProcess<Ready<FromSourceProcess>, Tally<FromSourceProcess>>;

/** One child per CHILD_STREAMS streams: child g takes streams [g·CHILD_STREAMS, …). Stops them all if one fails to start. */
async function startChildren<P extends { stop(): Promise<void> }>(streams: number, start: (first: number, count: number) => Promise<P>): Promise<P[]> {
  const starts = [];
  for (let first = 0; first < streams; first += CHILD_STREAMS) starts.push(start(first, Math.min(CHILD_STREAMS, streams - first)));
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((s) => s.status === 'rejected');
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed === undefined) return started;
  await Promise.all(started.map((p) => p.stop()));
  throw failed.reason;
}

function clocked(onBlock: (time: number) => void, afterTick: () => void, take: (lateness: Lateness) => Promise<Figures>, close: () => Promise<void>): LiveRun {
  const clock = new LiveClock(onBlock, afterTick);
  return {
    start: () => clock.start(),
    take: () => take(clock.takeLateness()),
    close: async () => {
      clock.stop();
      await close();
    },
  };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export const BOTH_ENDS: Setup = {
  label: 'both ends in one process: N sources + N sinks',
  async open(format, streams) {
    const sinks = await LiveSinks.open(streams, format.channels);
    const sources = await LiveSources.open(streams, format, (i) => [sinks.endpoint(i)]);
    return clocked(
      (time) => {
        sources.process(time);
        sinks.process(time);
      },
      () => {
        sources.send();
        sinks.send();
      },
      async (lateness) => ({ lateness, health: sinks.takeHealth(), otherLate: 0, otherCpuPercent: Number.NaN }),
      async () => {
        sources.close();
        sinks.close();
      },
    );
  },
};

export const SENDING_END: Setup = {
  label: 'sending end: N sources (their sinks in child processes)',
  async open(format, streams) {
    const script = new URL('./sink-process.ts', import.meta.url);
    const peers = await startChildren<SinkPeer>(streams, (_, count) => PeerProcess.start(script, [String(count), String(format.channels)]));
    const stopPeers = () => Promise.all(peers.map((p) => p.stop())).then(() => {});
    const sinkOf = (i: number) => ({ address: LOOPBACK, port: peers[Math.floor(i / CHILD_STREAMS)]!.ready.port, id: (i % CHILD_STREAMS) + 1 });
    let sources: LiveSources;
    try {
      sources = await LiveSources.open(streams, format, (i) => [sinkOf(i)]);
    } catch (e) {
      await stopPeers();
      throw e;
    }
    return clocked(
      (time) => sources.process(time),
      () => sources.send(),
      async (lateness) => {
        const tallies = await Promise.all(peers.map((p) => p.tally()));
        const health = (key: keyof SinkHealth) => sum(tallies.map((t) => t.health[key]));
        return {
          lateness,
          health: { sinks: health('sinks'), playing: health('playing'), droppedBlocks: health('droppedBlocks'), underruns: health('underruns') },
          otherLate: sum(tallies.map((t) => t.lateness.late)),
          otherCpuPercent: sum(tallies.map((t) => t.cpuPercent)),
        };
      },
      async () => {
        sources.close();
        await stopPeers();
      },
    );
  },
};

export const RECEIVING_END: Setup = {
  label: 'receiving end: N sinks, following each clock (their sources in child processes)',
  async open(format, streams) {
    const sinks = await LiveSinks.open(streams, format.channels);
    const script = new URL('./live-source-process.ts', import.meta.url);
    let peers: SourcePeer[];
    try {
      peers = await startChildren<SourcePeer>(streams, (first, count) =>
        PeerProcess.start(script, [String(count), formatArgument(format), String(sinks.port), String(sinks.endpoint(first).id)]),
      );
    } catch (e) {
      sinks.close();
      throw e;
    }
    return clocked(
      (time) => sinks.process(time),
      () => sinks.send(),
      async (lateness) => {
        const tallies = await Promise.all(peers.map((p) => p.tally()));
        return {
          lateness,
          health: sinks.takeHealth(),
          otherLate: sum(tallies.map((t) => t.lateness.late)),
          otherCpuPercent: sum(tallies.map((t) => t.cpuPercent)),
        };
      },
      async () => {
        await Promise.all(peers.map((p) => p.stop()));
        sinks.close();
      },
    );
  },
};
