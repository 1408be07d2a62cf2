import type { AooData, IpEndpoint } from '../../protocol/aoo/data.ts';
import { TcpReassembler } from '../../protocol/aoo/tcp-framing.ts';
import type { UdpAddress } from '../address.ts';
import { PingTimer, type PingSchedule } from '../ping-timer.ts';

/** Server → client `/aoo/client/ping` over TCP (spec §11.3): a client silent for 10 + 5 × 1 s is removed. */
const SERVER_TCP_PING: PingSchedule = { interval: 5, probeTime: 10, probeInterval: 1, probeCount: 5 };
import type { User } from './registry.ts';

/** What a client told the server in a successful `/login`. */
export interface LoginInfo {
  readonly version: string;
  readonly metadata: AooData | null;
  /** Its UDP addresses exactly as sent; forwarded in `/peer/join`. */
  readonly addresses: readonly IpEndpoint[];
}

/** One TCP connection: a client before or after login. Its ID is the client ID. */
export class ClientConnection {
  readonly frames: TcpReassembler;
  readonly ping: PingTimer;
  /** Null until the client has logged in. */
  login: LoginInfo | null = null;
  /** The user this client acts as, per group ID. */
  readonly memberships = new Map<number, User>();

  constructor(
    readonly id: number,
    /** The TCP peer address (unmapped). */
    readonly remote: UdpAddress,
    now: number,
    maxFrameLength: number,
  ) {
    this.frames = new TcpReassembler({ maxFrameLength });
    this.ping = new PingTimer(SERVER_TCP_PING);
    this.ping.reset(now);
  }
}
