/**
 * Messages a Sink queues for a source (spec §4.7–4.13). They are made here, not in the Sink's
 * methods, so that the methods that run for every packet and every block allocate no closure
 * scope when they queue nothing.
 */
import type { AooData } from '../protocol/aoo/data.ts';
import type { NtpTime } from '../protocol/ntp.ts';
import type { Endpoint } from './endpoint.ts';
import type { QueuedMessage } from './reply-queue.ts';

export function pingRequest(to: Endpoint, sinkId: number): QueuedMessage {
  return { to, build: (t1) => ({ kind: 'source/ping', sourceId: to.id, sinkId, t1 }) };
}

export function pongReply(to: Endpoint, sinkId: number, t1: NtpTime, t2: NtpTime, packetLoss: number): QueuedMessage {
  return { to, build: (t3) => ({ kind: 'source/pong', sourceId: to.id, sinkId, t1, t2, t3, packetLoss }) };
}

export function stopRequest(to: Endpoint, sinkId: number, streamId: number): QueuedMessage {
  return { to, build: () => ({ kind: 'source/stop', sourceId: to.id, sinkId, streamId }) };
}

export function inviteRequest(to: Endpoint, sinkId: number, token: number, metadata: AooData | null): QueuedMessage {
  return { to, build: () => ({ kind: 'source/invite', sourceId: to.id, sinkId, token, metadata }) };
}

export function uninviteRequest(to: Endpoint, sinkId: number, token: number): QueuedMessage {
  return { to, build: () => ({ kind: 'source/uninvite', sourceId: to.id, sinkId, token }) };
}
