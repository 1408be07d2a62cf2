import type { PeerMessage } from '../../protocol/aoo/peer/index.ts';
import type { PeerPongTimes } from '../../protocol/aoo/peer/ping.ts';
import { type NtpTime, ntpDuration, ntpFromSeconds } from '../../protocol/ntp.ts';
import type { UdpAddress } from '../address.ts';
import { PingTimer } from '../ping-timer.ts';
import { HANDSHAKE_PING_INTERVAL, HANDSHAKE_TIMEOUT, PEER_PING } from './timing.ts';

/** Sends a peer packet to `to`, wrapped for `relay` unless it is null. */
export type PeerSend = (m: PeerMessage, to: UdpAddress, relay: UdpAddress | null) => void;

type LinkState =
  | { readonly phase: 'handshake'; readonly relay: UdpAddress | null; readonly deadline: number; nextPing: number }
  | { readonly phase: 'connected'; readonly address: UdpAddress; readonly relay: UdpAddress | null }
  | { readonly phase: 'timed-out' };

/** A change `update` reports: the handshake failed for good, or a connected peer stopped answering. */
export type LinkChange = 'timed-out' | 'inactive' | null;

/** What a regular pong tells. */
export interface PongResult {
  readonly t4: NtpTime;
  /** Filtered round-trip time, seconds. */
  readonly rtt: number;
  /** The peer had been inactive until this pong. */
  readonly revived: boolean;
}

/**
 * The UDP path to one peer (spec §11.7). Handshake: a ping to every candidate address each
 * 0.25 s; after 5 s without an answer, the same through the first relay for another 5 s;
 * then give up. Any ping or pong from the peer, from whatever address, completes the
 * handshake. Once connected: regular pings with RTT measurement.
 */
export class PeerLink {
  private state: LinkState;
  private readonly ping = new PingTimer(PEER_PING);
  private averageRtt: number | null = null;

  constructor(
    private readonly groupId: number,
    private readonly ownUserId: number,
    private readonly candidates: readonly UdpAddress[],
    private readonly relays: readonly UdpAddress[],
    now: number,
  ) {
    this.state = { phase: 'handshake', relay: null, deadline: now + HANDSHAKE_TIMEOUT, nextPing: now };
  }

  get connected(): boolean {
    return this.state.phase === 'connected';
  }

  /** The peer's address once connected. */
  get address(): UdpAddress | null {
    return this.state.phase === 'connected' ? this.state.address : null;
  }

  /** The relay in use or being tried. */
  get relay(): UdpAddress | null {
    return this.state.phase === 'timed-out' ? null : this.state.relay;
  }

  /** Filtered round-trip time in seconds; 0 until the first regular pong. */
  get rtt(): number {
    return this.averageRtt ?? 0;
  }

  nextWakeup(): number {
    switch (this.state.phase) {
      case 'handshake':
        return Math.min(this.state.nextPing, this.state.deadline);
      case 'connected':
        return this.ping.nextWakeup();
      case 'timed-out':
        return Infinity;
    }
  }

  update(now: number, send: PeerSend): LinkChange {
    const s = this.state;
    if (s.phase === 'connected') {
      const due = this.ping.poll(now);
      if (due === 'ping') send({ kind: 'peer/ping', groupId: this.groupId, senderId: this.ownUserId, t1: ntpFromSeconds(now) }, s.address, s.relay);
      return due === 'inactive' ? 'inactive' : null;
    }
    if (s.phase === 'timed-out') return null;
    if (now >= s.deadline) {
      const relay = this.relays[0];
      if (s.relay !== null || relay === undefined) {
        this.state = { phase: 'timed-out' };
        return 'timed-out';
      }
      this.state = { phase: 'handshake', relay, deadline: now + HANDSHAKE_TIMEOUT, nextPing: now };
      return this.update(now, send);
    }
    if (now >= s.nextPing) {
      for (const to of this.candidates) send({ kind: 'peer/ping', groupId: this.groupId, senderId: this.ownUserId, t1: null }, to, s.relay);
      s.nextPing = now + HANDSHAKE_PING_INTERVAL;
    }
    return null;
  }

  /**
   * A ping or pong from the peer came from `from`, through the relay `via` or directly (null).
   * True if this completed the handshake (also after a timeout: a late peer is welcome). A
   * connected peer that starts talking through a relay cannot hear us directly: from then on
   * it is answered through the relay too.
   */
  contact(from: UdpAddress, via: UdpAddress | null, now: number): boolean {
    const s = this.state;
    if (s.phase === 'connected') {
      if (via !== null && s.relay === null) this.state = { ...s, relay: this.relays[0] ?? via };
      return false;
    }
    const tried = s.phase === 'handshake' ? s.relay : null;
    this.state = { phase: 'connected', address: from, relay: via === null ? null : (tried ?? this.relays[0] ?? via) };
    this.ping.reset(now);
    return true;
  }

  /** A regular pong to one of our pings (RTT = (t4 − t1) − (t3 − t2), low-pass filtered). */
  pong(times: PeerPongTimes, now: number): PongResult {
    const t4 = ntpFromSeconds(now);
    const sample = Math.max(0, ntpDuration(times.t1, t4) - ntpDuration(times.t2, times.t3));
    this.averageRtt = this.averageRtt === null ? sample : 0.5 * this.averageRtt + 0.5 * sample;
    return { t4, rtt: this.averageRtt, revived: this.ping.reply(now) };
  }
}
