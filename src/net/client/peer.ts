import type { ClientPeerJoin } from '../../protocol/aoo/client/peer.ts';
import type { AooData } from '../../protocol/aoo/data.ts';
import type { PeerAck } from '../../protocol/aoo/peer/ack.ts';
import type { PeerMessageFrame } from '../../protocol/aoo/peer/msg.ts';
import type { PeerPing, PeerPong } from '../../protocol/aoo/peer/ping.ts';
import { type NtpTime, ntpFromSeconds } from '../../protocol/ntp.ts';
import type { UdpAddress } from '../address.ts';
import { type ClientDropReason, type ClientEvent, PeerFlag, type PeerInfo } from './events.ts';
import type { ReceivedMessage } from './message-assembly.ts';
import { splitMessage } from './message-frames.ts';
import { PeerLink, type PeerSend } from './peer-link.ts';
import { ReliableReceiver } from './reliable-receiver.ts';
import { ReliableSender } from './reliable-sender.ts';
import { UnreliableReceiver } from './unreliable-receiver.ts';

/** Where a peer's output goes. */
export interface PeerContext {
  readonly send: PeerSend;
  event(e: ClientEvent): void;
  drop(reason: ClientDropReason, detail: string): void;
}

/** How to send one message. */
export interface MessageSendOptions {
  readonly reliable: boolean;
  readonly timestamp: NtpTime | null;
  readonly form: 'binary' | 'osc';
  readonly maxFrame: number;
}

/** Map key of a peer: its group ID and user ID. */
export function peerKey(groupId: number, userId: number): string {
  return `${groupId}:${userId}`;
}

/** Another user in one of our groups: the UDP path to it and the message streams both ways (spec §11.7, §11.8). */
export class Peer {
  readonly link: PeerLink;
  private metadata: AooData | null;
  private readonly reliableOut = new ReliableSender();
  private unreliableSequence = 0;
  private readonly reliableIn = new ReliableReceiver();
  private readonly unreliableIn = new UnreliableReceiver();

  constructor(
    private readonly join: ClientPeerJoin,
    /** Our own user ID in the peer's group. */
    private readonly ownUserId: number,
    candidates: readonly UdpAddress[],
    relays: readonly UdpAddress[],
    now: number,
  ) {
    this.metadata = join.metadata;
    this.link = new PeerLink(join.groupId, ownUserId, candidates, relays, now);
  }

  get groupId(): number {
    return this.join.groupId;
  }

  get userId(): number {
    return this.join.userId;
  }

  get groupName(): string {
    return this.join.groupName;
  }

  get userName(): string {
    return this.join.userName;
  }

  info(): PeerInfo {
    const j = this.join;
    const relay = this.link.relay;
    return {
      groupId: j.groupId,
      groupName: j.groupName,
      userId: j.userId,
      userName: j.userName,
      version: j.version,
      flags: (j.flags & ~PeerFlag.NeedRelay) | (relay !== null ? PeerFlag.NeedRelay : 0),
      metadata: this.metadata,
      address: this.link.address,
      relay: this.link.connected ? relay : null,
    };
  }

  setMetadata(data: AooData): void {
    this.metadata = data;
  }

  nextWakeup(): number {
    return Math.min(this.link.nextWakeup(), this.link.connected ? this.reliableOut.nextWakeup() : Infinity);
  }

  update(now: number, ctx: PeerContext): void {
    const change = this.link.update(now, ctx.send);
    if (change === 'timed-out') ctx.event({ type: 'PeerTimeout', peer: this.info() });
    else if (change === 'inactive') ctx.event({ type: 'PeerState', peer: this.info(), active: false });
    if (this.link.connected) this.reliableOut.resend(now, (f) => this.sendToPeer(f, ctx));
  }

  /** Every ping is answered, a handshake ping with a handshake pong (spec §11.7). */
  handlePing(m: PeerPing, from: UdpAddress, via: UdpAddress | null, now: number, ctx: PeerContext): void {
    this.contact(from, via, now, ctx);
    const t = ntpFromSeconds(now);
    const pong: PeerPong = { kind: 'peer/pong', groupId: this.groupId, senderId: this.ownUserId, times: m.t1 === null ? null : { t1: m.t1, t2: t, t3: t } };
    this.sendToPeer(pong, ctx);
  }

  handlePong(m: PeerPong, from: UdpAddress, via: UdpAddress | null, now: number, ctx: PeerContext): void {
    this.contact(from, via, now, ctx);
    if (m.times === null) return;
    const r = this.link.pong(m.times, now);
    if (r.revived) ctx.event({ type: 'PeerState', peer: this.info(), active: true });
    ctx.event({ type: 'PeerPing', peer: this.info(), t1: m.times.t1, t2: m.times.t2, t3: m.times.t3, t4: r.t4, rtt: r.rtt });
  }

  handleMessage(frame: PeerMessageFrame, ctx: PeerContext): void {
    if (!this.link.connected) {
      ctx.drop('unexpected', `message from ${this.userName} in ${this.groupName} before the handshake completed`);
      return;
    }
    const deliver = (m: ReceivedMessage) => ctx.event({ type: 'PeerMessage', peer: this.info(), timestamp: m.timestamp, data: { type: m.dataType, bytes: m.bytes } });
    const problem = (frame.reliable ? this.reliableIn : this.unreliableIn).receive(frame, deliver);
    if (problem !== null) ctx.drop('bad-peer-message', problem);
    else if (frame.reliable) {
      // Every reliable frame is acknowledged, in the form it came in (spec §3.2, §11.8).
      const ack: PeerAck = { kind: 'peer/ack', form: frame.form, groupId: this.groupId, senderId: this.ownUserId, acks: [{ sequence: frame.sequence, frame: frame.frames?.index ?? 0 }] };
      this.sendToPeer(ack, ctx);
    }
  }

  handleAck(m: PeerAck): void {
    for (const a of m.acks) this.reliableOut.ack(a.sequence, a.frame);
  }

  /** Sends a message (the caller checked its size); false if the peer is not connected. */
  send(data: AooData, o: MessageSendOptions, now: number, ctx: PeerContext): boolean {
    if (!this.link.connected) return false;
    const sequence = o.reliable ? this.reliableOut.takeSequence() : this.unreliableSequence++;
    const frames = splitMessage({ form: o.form, groupId: this.groupId, senderId: this.ownUserId, reliable: o.reliable, sequence, timestamp: o.timestamp, data }, o.maxFrame);
    for (const f of frames) this.sendToPeer(f, ctx);
    if (o.reliable) this.reliableOut.track(frames, now, this.link.rtt);
    return true;
  }

  /** Reliable messages not yet acknowledged. */
  get unacknowledged(): number {
    return this.reliableOut.pending;
  }

  private contact(from: UdpAddress, via: UdpAddress | null, now: number, ctx: PeerContext): void {
    if (this.link.contact(from, via, now)) ctx.event({ type: 'PeerJoin', peer: this.info() });
  }

  private sendToPeer(m: PeerPing | PeerPong | PeerMessageFrame | PeerAck, ctx: PeerContext): void {
    const to = this.link.address;
    if (to !== null) ctx.send(m, to, this.link.relay);
  }
}
