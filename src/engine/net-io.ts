/**
 * The I/O the engine's client and server objects need besides UDP ports, injected so that the
 * engine runs on real sockets (engine-process.ts) and in simulated time (the tests) alike.
 */
import type { UdpAddress } from '../net/address.ts';
import type { ServerEvent } from '../net/server/events.ts';

/** What happens on a TCP connection; never called from inside `ConnectTcp` itself. */
export interface TcpEvents {
  open(): void;
  data(chunk: Uint8Array): void;
  /** Closed by the other side, or failed (`detail` says why). Not called after `close()`. */
  closed(detail: string): void;
}

export interface TcpConnection {
  write(bytes: Uint8Array): void;
  close(): void;
}

export type ConnectTcp = (to: UdpAddress, events: TcpEvents) => TcpConnection;

export interface ServerSettings {
  /** TCP and UDP port, 1…65535. */
  readonly port: number;
  /** Forward packets between clients that cannot reach each other (spec §11.9). */
  readonly relay: boolean;
  readonly onEvent: (e: ServerEvent) => void;
}

/** A running AOO server (TCP and UDP on one port). */
export interface ServerHandle {
  /** Forward packets between clients or not, from now on; nobody is dropped. */
  setRelay(on: boolean): void;
  /** Resolves when the port is free again. */
  close(): Promise<void>;
}

/** Starts a server; rejects when the port cannot be opened. */
export type OpenServer = (settings: ServerSettings) => Promise<ServerHandle>;
