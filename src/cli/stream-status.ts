/** Stream statistics for the status lines, accumulated from Sink and Source events (pure). */
import { type NtpTime, ntpDuration } from '../protocol/ntp.ts';
import type { Endpoint } from '../stream/endpoint.ts';
import type { SinkEvent, SourceEvent, StreamStateName } from '../stream/events.ts';
import { endpointName } from './endpoint-name.ts';

/** Network round trip of a ping, seconds: (t4 − t1) − (t3 − t2), the time the other end held it excluded. */
export function roundTripSeconds(t1: NtpTime, t2: NtpTime, t3: NtpTime, t4: NtpTime): number {
  return ntpDuration(t1, t4) - ntpDuration(t2, t3);
}

/** What a sink knows about one of its sources. Durations in seconds; undefined = not known yet. */
export interface SourceStatus {
  readonly state: StreamStateName;
  /** Audio in the jitter buffer when playout last became active. */
  readonly bufferLatency: number | undefined;
  /** Fraction of the audio dropped between the last two pings: what the sink reports to the source (spec §7.11). */
  readonly packetLoss: number | undefined;
  readonly dropped: number;
  readonly resent: number;
  readonly xruns: number;
  readonly roundTrip: number | undefined;
}

interface SourceTally {
  state: StreamStateName;
  bufferLatency: number | undefined;
  packetLoss: number | undefined;
  dropped: number;
  resent: number;
  xruns: number;
  roundTrip: number | undefined;
  /** Seconds per format block, from FormatChange. */
  blockSeconds: number | undefined;
  droppedSincePing: number;
  /** Arrival of the last ping reply: the start of the next loss window. */
  lastPong: NtpTime | undefined;
}

/** Per-source status of a sink, keyed by endpoint name; a removed source disappears. */
export class SourceStatusTracker {
  private readonly tallies = new Map<string, SourceTally>();

  get sources(): ReadonlyMap<string, SourceStatus> {
    return this.tallies;
  }

  apply(e: SinkEvent): void {
    if (e.type === 'SourceRemove') {
      this.tallies.delete(endpointName(e.endpoint));
      return;
    }
    const s = this.tally(e.endpoint);
    switch (e.type) {
      case 'FormatChange':
        s.blockSeconds = e.format.blockSize / e.format.sampleRate;
        break;
      case 'StreamState':
        s.state = e.state;
        break;
      case 'StreamLatency':
        s.bufferLatency = e.bufferLatency;
        break;
      case 'BlockDrop':
        s.dropped += e.count;
        s.droppedSincePing += e.count;
        break;
      case 'BlockResend':
        s.resent += e.count;
        break;
      case 'BlockXRun':
        s.xruns += e.count;
        break;
      case 'SourcePing': {
        s.roundTrip = roundTripSeconds(e.t1, e.t2, e.t3, e.t4);
        // The first window starts when the first ping left, i.e. when the stream started.
        const window = ntpDuration(s.lastPong ?? e.t1, e.t4);
        if (s.blockSeconds !== undefined && window > 0) s.packetLoss = Math.min(1, (s.droppedSincePing * s.blockSeconds) / window);
        s.lastPong = e.t4;
        s.droppedSincePing = 0;
        break;
      }
      default:
        break;
    }
  }

  private tally(ep: Endpoint): SourceTally {
    const name = endpointName(ep);
    let s = this.tallies.get(name);
    if (s === undefined) {
      s = {
        state: 'inactive',
        bufferLatency: undefined,
        packetLoss: undefined,
        dropped: 0,
        resent: 0,
        xruns: 0,
        roundTrip: undefined,
        blockSeconds: undefined,
        droppedSincePing: 0,
        lastPong: undefined,
      };
      this.tallies.set(name, s);
    }
    return s;
  }
}

/** What a source knows about one of its sinks. */
export interface SinkStatus {
  /** False once the sink uninvited the stream. */
  readonly active: boolean;
  readonly roundTrip: number | undefined;
  /** As the sink reported it in its last ping reply. */
  readonly packetLoss: number | undefined;
  /** Frames sent again on the sink's request. */
  readonly resentFrames: number;
}

type SinkTally = { -readonly [K in keyof SinkStatus]: SinkStatus[K] };

/** Per-sink status of a source, keyed by endpoint name. */
export class SinkStatusTracker {
  private readonly tallies = new Map<string, SinkTally>();

  /** `sinks`: the sinks the source streams to from the start (those that invite it come by events). */
  constructor(sinks: readonly Endpoint[] = []) {
    for (const ep of sinks) this.tally(ep);
  }

  get sinks(): ReadonlyMap<string, SinkStatus> {
    return this.tallies;
  }

  apply(e: SourceEvent): void {
    const s = this.tally(e.endpoint);
    switch (e.type) {
      case 'Invite':
        s.active = true;
        break;
      case 'Uninvite':
        s.active = false;
        break;
      case 'SinkPing':
        s.roundTrip = roundTripSeconds(e.t1, e.t2, e.t3, e.t4);
        s.packetLoss = e.packetLoss;
        break;
      case 'FrameResend':
        s.resentFrames += e.count;
        break;
      case 'SinkAdd':
        break;
    }
  }

  private tally(ep: Endpoint): SinkTally {
    const name = endpointName(ep);
    let s = this.tallies.get(name);
    if (s === undefined) {
      s = { active: true, roundTrip: undefined, packetLoss: undefined, resentFrames: 0 };
      this.tallies.set(name, s);
    }
    return s;
  }
}
