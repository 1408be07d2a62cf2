/**
 * Messages a Source queues for a sink (spec §4.2, §4.4, §4.6), made here so that
 * `handleMessage`, which runs for every request, allocates no closure scope.
 */
import type { NtpTime } from '../protocol/ntp.ts';
import type { Endpoint } from './endpoint.ts';
import type { QueuedMessage } from './reply-queue.ts';

export function pongReply(to: Endpoint, sourceId: number, t1: NtpTime, t2: NtpTime): QueuedMessage {
  return { to, build: (t3) => ({ kind: 'sink/pong', sinkId: to.id, sourceId, t1, t2, t3 }) };
}

export function declineReply(to: Endpoint, sourceId: number, token: number): QueuedMessage {
  return { to, build: () => ({ kind: 'sink/decline', sinkId: to.id, sourceId, token }) };
}

/** `/stop` for `streamId`; `lastSequence` is the next sequence number, `offset` in format samples. */
export function stopNotice(to: Endpoint, sourceId: number, streamId: number, lastSequence: number, offset: number): QueuedMessage {
  return { to, build: () => ({ kind: 'sink/stop', sinkId: to.id, sourceId, streamId, end: { lastSequence, offset } }) };
}
