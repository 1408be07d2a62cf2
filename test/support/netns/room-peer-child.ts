/** test/support/room-peer.ts as a child process, seen from the test: its reports, and commands to it. */
import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { JsonLinesChild } from './json-lines-child.ts';
import type { ReceivedStream, ReportOf, RoomPeerCommand, RoomPeerReport } from './room-peer-protocol.ts';

const ROOM_PEER = fileURLToPath(new URL('../room-peer.ts', import.meta.url));

export interface RoomPeerOptions {
  /** "host:port" of the AOO server. */
  readonly server: string;
  readonly group: string;
  readonly user: string;
  /** User metadata (JSON text). */
  readonly metadata?: string;
  /** Address the UDP port binds to; default all, IPv4 and IPv6. */
  readonly bind?: string;
  /** Run a sink with this ID. */
  readonly sinkId?: number;
  /** Announce only the public address the server sees, not this machine's own. */
  readonly onlyPublic?: boolean;
  /** Words the command line starts with, e.g. `ip netns exec <ns>`. */
  readonly runIn?: readonly string[];
}

function roomPeerArgs(o: RoomPeerOptions): string[] {
  const args = ['--server', o.server, '--group', o.group, '--user', o.user];
  if (o.metadata !== undefined) args.push('--metadata', o.metadata);
  if (o.bind !== undefined) args.push('--bind', o.bind);
  if (o.sinkId !== undefined) args.push('--sink-id', String(o.sinkId));
  if (o.onlyPublic === true) args.push('--only-public');
  return args;
}

export class RoomPeerChild extends JsonLinesChild<RoomPeerReport> {
  constructor(o: RoomPeerOptions) {
    super(o.user, [...(o.runIn ?? []), process.execPath, '--import', 'tsx', ROOM_PEER, ...roomPeerArgs(o)], 'stdout');
  }

  command(c: RoomPeerCommand): void {
    this.send(c);
  }

  /** The first `event` report (that `match` accepts), printed so far or within `ms`. */
  next<E extends RoomPeerReport['event']>(event: E, ms: number, match: (r: ReportOf<E>) => boolean = () => true, what: string = event): Promise<ReportOf<E>> {
    return this.waitFor((r) => r.event === event && match(r as ReportOf<E>), what, ms) as Promise<ReportOf<E>>;
  }

  /** Every `event` report printed so far. */
  reports<E extends RoomPeerReport['event']>(event: E): ReportOf<E>[] {
    return this.lines.filter((r) => r.event === event) as ReportOf<E>[];
  }
}

/** Asserts that `got` is the tone sent: `seconds` long, at `hz` Hz, with no dropout, no lost block, no buffer trouble. */
export function assertCleanTone(got: ReceivedStream, hz: number, seconds: number): void {
  assert.ok(Math.abs(got.frequency - hz) < 0.5, `frequency ${got.frequency}, not ${hz}`);
  assert.ok(Math.abs(got.seconds - seconds) < 0.05, `${got.seconds} s of tone, not ${seconds}`);
  // A block of 64 zeros would bring its 0.1 s window down to about 19 dB.
  assert.ok(got.snrDb > 40, `SNR ${got.snrDb} dB`);
  assert.deepEqual([got.longestSilence, got.blocksDropped, got.underruns, got.overruns], [0, 0, 0, 0], 'longest silence, drops, underruns, overruns');
}
