import type { RequestResult } from '../../protocol/aoo/client/reply.ts';
import type { CustomRequestSuccess } from '../../protocol/aoo/client/update.ts';
import type { AooData } from '../../protocol/aoo/data.ts';
import { hashPassword } from '../password.ts';
import type { AddressIndex } from './address-index.ts';
import type { ClientConnection } from './client-connection.ts';
import type { DropCounter } from './drops.ts';
import type { Outbox } from './outbox.ts';
import type { GroupRegistry } from './registry.ts';
import { DEFAULT_UNAUTHENTICATED_LIMIT, type RateLimit } from './unauthenticated.ts';

/**
 * Answers a client's custom `/aoo/server/request`: a result to send back, or undefined for
 * "not handled" (error 1001, as the reference server without a handler).
 */
export type RequestHandler = (clientId: number, flags: number, data: AooData) => RequestResult<CustomRequestSuccess> | undefined;

export interface ServerOptions {
  /** The server's TCP/UDP port; sent as the relay port in join replies when the relay is on. */
  readonly port: number;
  /** Plaintext server password; none if undefined or "". Only its hash is kept. */
  readonly password?: string;
  /** Forward `/aoo/relay` packets between clients that share a group. Default off. */
  readonly relay?: boolean;
  /** Create a group when a client joins one that does not exist. Default on. */
  readonly allowGroupCreation?: boolean;
  /** Create a user when a client joins under a name the group does not have. Default on. */
  readonly allowUserCreation?: boolean;
  readonly requestHandler?: RequestHandler;
  /** Largest TCP message accepted (without prefix); bigger ones close the connection. Default 64 KiB. */
  readonly maxFrameLength?: number;
  /** Rate of datagrams and connections per IP from addresses of no logged-in client. */
  readonly unauthenticatedLimit?: RateLimit;
}

export const DEFAULT_MAX_FRAME_LENGTH = 64 * 1024;

/** The options with defaults applied and the password hashed. */
export interface ServerSettings {
  readonly port: number;
  readonly passwordHash: string;
  readonly relay: boolean;
  readonly allowGroupCreation: boolean;
  readonly allowUserCreation: boolean;
  readonly requestHandler: RequestHandler | undefined;
  readonly maxFrameLength: number;
  readonly unauthenticatedLimit: RateLimit;
}

export function resolveOptions(o: ServerOptions): ServerSettings {
  return {
    port: o.port,
    passwordHash: hashPassword(o.password ?? ''),
    relay: o.relay ?? false,
    allowGroupCreation: o.allowGroupCreation ?? true,
    allowUserCreation: o.allowUserCreation ?? true,
    requestHandler: o.requestHandler,
    maxFrameLength: o.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH,
    unauthenticatedLimit: o.unauthenticatedLimit ?? DEFAULT_UNAUTHENTICATED_LIMIT,
  };
}

/** The server's state, shared by the message handlers. */
export interface ServerContext {
  /** Replaced whole when a setting changes while running (the relay). */
  settings: ServerSettings;
  readonly clients: Map<number, ClientConnection>;
  readonly groups: GroupRegistry;
  /** Who listed which UDP address at login: the relay's view of clients. */
  readonly addresses: AddressIndex;
  readonly outbox: Outbox;
  readonly drops: DropCounter;
}
