/** Events of Source and Sink (spec §8): same names and meanings as the reference's AooEventType. */
import type { StreamFormat } from '../codec/codec.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import type { NtpTime } from '../protocol/ntp.ts';
import type { Endpoint } from './endpoint.ts';

/** Events a Source emits; `endpoint` is the sink concerned. */
export type SourceEvent =
  | { readonly type: 'SinkAdd'; readonly endpoint: Endpoint }
  | { readonly type: 'Invite'; readonly endpoint: Endpoint; readonly token: number; readonly metadata: AooData | null }
  | { readonly type: 'Uninvite'; readonly endpoint: Endpoint; readonly token: number }
  | {
      readonly type: 'SinkPing';
      readonly endpoint: Endpoint;
      readonly t1: NtpTime;
      readonly t2: NtpTime;
      readonly t3: NtpTime;
      readonly t4: NtpTime;
      readonly packetLoss: number;
    }
  | { readonly type: 'FrameResend'; readonly endpoint: Endpoint; readonly count: number };

/** `StreamState` values, numbered as `AooStreamState`. */
export const StreamState = { inactive: 0, active: 1, buffering: 2 } as const;
export type StreamStateName = keyof typeof StreamState;

/**
 * Events a Sink emits; `endpoint` is the source concerned. A `sampleOffset` is the sample
 * index, within the output block of the `process()` call that emitted the event, where the
 * event takes effect (exact, not one block late as in the Pd external).
 */
export type SinkEvent =
  | { readonly type: 'SourceAdd'; readonly endpoint: Endpoint }
  | { readonly type: 'SourceRemove'; readonly endpoint: Endpoint }
  | { readonly type: 'FormatChange'; readonly endpoint: Endpoint; readonly format: StreamFormat }
  | { readonly type: 'StreamStart'; readonly endpoint: Endpoint; readonly startTime: NtpTime; readonly metadata: AooData | null }
  | { readonly type: 'StreamStop'; readonly endpoint: Endpoint }
  | { readonly type: 'StreamState'; readonly endpoint: Endpoint; readonly state: StreamStateName; readonly sampleOffset: number }
  | {
      readonly type: 'StreamTime';
      readonly endpoint: Endpoint;
      readonly sourceTime: NtpTime;
      readonly sinkTime: NtpTime;
      readonly sampleOffset: number;
    }
  | {
      readonly type: 'StreamLatency';
      readonly endpoint: Endpoint;
      /** Seconds. */
      readonly sourceLatency: number;
      readonly sinkLatency: number;
      readonly bufferLatency: number;
    }
  | {
      readonly type: 'StreamMessage';
      readonly endpoint: Endpoint;
      readonly sampleOffset: number;
      readonly channel: number;
      readonly dataType: number;
      readonly data: Uint8Array;
    }
  | { readonly type: 'InviteDecline'; readonly endpoint: Endpoint }
  | { readonly type: 'InviteTimeout'; readonly endpoint: Endpoint }
  | { readonly type: 'UninviteTimeout'; readonly endpoint: Endpoint }
  | { readonly type: 'BufferOverrun'; readonly endpoint: Endpoint }
  | { readonly type: 'BufferUnderrun'; readonly endpoint: Endpoint }
  | { readonly type: 'BlockDrop'; readonly endpoint: Endpoint; readonly count: number }
  | { readonly type: 'BlockResend'; readonly endpoint: Endpoint; readonly count: number }
  | { readonly type: 'BlockXRun'; readonly endpoint: Endpoint; readonly count: number }
  | {
      readonly type: 'SourcePing';
      readonly endpoint: Endpoint;
      readonly t1: NtpTime;
      readonly t2: NtpTime;
      readonly t3: NtpTime;
      readonly t4: NtpTime;
    }
  /** A stream this sink cannot play (unknown codec, sample rate ≠ the sink's); the stream is ignored. */
  | { readonly type: 'Error'; readonly endpoint: Endpoint; readonly message: string };
