import type { UdpAddress } from '../address.ts';
import type { LogRecord, ServerEvent } from './events.ts';

/** What the core asks its I/O wrapper to do, in order. */
export type ServerOutput =
  /** Write `bytes` (whole frames, length prefix included) to the client's TCP connection. */
  | { readonly type: 'tcp'; readonly client: number; readonly bytes: Uint8Array }
  /** Send one datagram from the server port. */
  | { readonly type: 'udp'; readonly to: UdpAddress; readonly bytes: Uint8Array }
  /** Close the connection once what was written before has gone out; the core has forgotten the client. */
  | { readonly type: 'close'; readonly client: number }
  | { readonly type: 'event'; readonly event: ServerEvent }
  | { readonly type: 'log'; readonly record: LogRecord };
