/**
 * A musician of `aoo-node rehearsal` as a Node peer (when Pd is not installed): a NodeClient, a
 * Source and a Sink on one UDP port; it plays a tone to every other member, found by user name.
 */
import { UdpEndpoint } from '../net/udp-endpoint.ts';
import { toneSignal } from './audio-signal.ts';
import { MemberTracker, type RehearsalMember } from './rehearsal-member.ts';
import { Room, type RoomEvent } from './room.ts';
import { PeerTarget } from './room-target.ts';
import { StreamClock } from './stream-clock.ts';
import { streamFormat } from './stream-format.ts';
import { StreamReceiver } from './stream-receiver.ts';
import { StreamSender, reportDrops } from './stream-sender.ts';

const HOST = '127.0.0.1';
const SAMPLE_RATE = 48000;
const BLOCK_SIZE = 64;
const CHANNELS = 2;
const LATENCY = 0.05;
/** Every member's source and sink have this ID, as in the Pd example patch. */
const ID = 1;
/** Blocks per level reading (about 0.2 s). */
const LEVEL_BLOCKS = 150;

export interface NodeMemberOptions {
  readonly server: { readonly host: string; readonly port: number };
  readonly group: string;
  readonly user: string;
  /** The other members, streamed to by name. */
  readonly others: readonly string[];
  /** Hz, on both channels. */
  readonly tone: number;
  readonly report: (line: string) => void;
}

/** RMS of the blocks played, in dBFS, once per LEVEL_BLOCKS blocks. */
class LevelMeter {
  private sum = 0;
  private blocks = 0;

  constructor(private readonly onLevel: (db: number) => void) {}

  add(block: Float32Array): void {
    for (const x of block) this.sum += x * x;
    if (++this.blocks < LEVEL_BLOCKS) return;
    this.onLevel(10 * Math.log10(this.sum / (this.blocks * block.length)));
    this.sum = 0;
    this.blocks = 0;
  }
}

export class NodeMember implements RehearsalMember {
  private constructor(
    readonly tracker: MemberTracker,
    private readonly udp: UdpEndpoint,
    private readonly room: Room,
    private readonly sender: StreamSender,
    private readonly receiver: StreamReceiver,
    private readonly clock: StreamClock,
  ) {}

  get user(): string {
    return this.tracker.user;
  }

  /** Logs in, joins the group and starts playing; the tracker says how it goes. */
  static async join(o: NodeMemberOptions): Promise<NodeMember> {
    const udp = await UdpEndpoint.open(0, HOST, reportDrops((text) => o.report(`${o.user}: ${text}`)));
    const tracker = new MemberTracker(o.user);
    const room = new Room(udp, { server: o.server, password: '', join: { group: o.group, user: o.user, groupPassword: '', userPassword: '' } }, HOST);
    const format = streamFormat('pcm', CHANNELS, SAMPLE_RATE);
    const sender = StreamSender.on(
      udp,
      { id: ID, format, blockSize: BLOCK_SIZE, signal: toneSignal([o.tone], SAMPLE_RATE, Infinity), messageEvery: 0, onEvent: () => {} },
      room.streamOut,
    );
    const receiver = StreamReceiver.on(
      udp,
      {
        id: ID,
        channels: CHANNELS,
        sampleRate: SAMPLE_RATE,
        blockSize: BLOCK_SIZE,
        latency: LATENCY,
        onEvent: (e) => {
          if (e.type !== 'StreamState') return;
          const peer = room.peerAt(e.endpoint);
          if (peer !== null) tracker.streamState(peer.user, e.state);
        },
      },
      room.streamOut,
    );
    const meter = new LevelMeter((db) => tracker.level(db));
    const clock = new StreamClock(
      SAMPLE_RATE,
      BLOCK_SIZE,
      (_index, time) => {
        sender.processBlock(time);
        meter.add(receiver.processBlock(time));
      },
      () => {
        sender.flush();
        receiver.flush();
      },
    );
    const member = new NodeMember(tracker, udp, room, sender, receiver, clock);
    const targets = o.others.map((user) => new PeerTarget(o.group, { user, id: ID }));
    await room.join((e) => member.handle(e, targets));
    tracker.joined();
    clock.start();
    return member;
  }

  async close(): Promise<void> {
    this.clock.stop();
    await this.sender.close();
    this.receiver.close();
    this.room.close();
    this.udp.close();
  }

  private handle(e: RoomEvent, targets: readonly PeerTarget[]): void {
    const ended = this.room.endedBy(e);
    if (ended !== null) this.tracker.fail(ended);
    if (e.type === 'PeerJoin') this.tracker.peerJoined(e.peer.userName);
    if (e.type === 'PeerLeave') this.tracker.peerLeft(e.peer.userName);
    for (const target of targets) {
      for (const change of target.handle(e)) {
        if (change.kind === 'add') this.sender.addSink(change.sink);
        else this.sender.removeSink(change.sink);
      }
    }
  }
}
