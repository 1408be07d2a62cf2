/** Timing of the client (spec §11.3, §11.7, §11.8). All values in seconds. */
import type { PingSchedule } from '../ping-timer.ts';

/** TCP `/aoo/server/ping`: silence for 10 s, then 5 probes 1 s apart, then disconnect. */
export const SERVER_PING: PingSchedule = { interval: 5, probeTime: 10, probeInterval: 1, probeCount: 5 };
/** UDP `/aoo/peer/ping` of a connected peer: 20 probes 0.25 s apart, then the peer is inactive. */
export const PEER_PING: PingSchedule = { interval: 5, probeTime: 10, probeInterval: 0.25, probeCount: 20 };

export const HANDSHAKE_PING_INTERVAL = 0.25;
/** 20 handshake pings; the relay, if there is one, then gets as long again. */
export const HANDSHAKE_TIMEOUT = 5;

export const QUERY_INTERVAL = 0.25;
/** For the UDP address query and for opening the TCP connection (`AooClientConnect.timeout` 0). */
export const CONNECT_TIMEOUT = 5;
/** UDP `/aoo/server/ping` keeping the NAT mapping to the server open. */
export const UDP_KEEPALIVE_INTERVAL = 5;
/** Our choice: the reference server never answers a failed update (spec §13 #5), so every request times out. */
export const REQUEST_TIMEOUT = 10;

/** Reliable peer messages: the first resend after max(2 × RTT, this), then doubling… */
export const RESEND_INTERVAL_MIN = 0.02;
/** …up to this; there is no give-up. */
export const RESEND_INTERVAL_MAX = 1;
