import type { FrameRequest } from '../protocol/aoo/source/data-request.ts';
import type { Endpoint } from './endpoint.ts';
import type { FrameTarget } from './data-frames.ts';

/** What a Source keeps per sink (spec §6.3). */
export class SinkEntry implements FrameTarget {
  /** -1 while inactive. */
  streamId = -1;
  channel = 0;
  needsStart = false;
  readonly dataRequests: FrameRequest[] = [];
  /** Invitation and uninvitation tokens already reported, so duplicates emit no second event. */
  readonly inviteTokens = new Set<number>();
  readonly uninviteTokens = new Set<number>();

  constructor(
    readonly endpoint: Endpoint,
    public active: boolean,
  ) {}

  get address(): Endpoint {
    return this.endpoint;
  }

  get sinkId(): number {
    return this.endpoint.id;
  }
}
