/**
 * `[aoo.server]` inside the engine: an AOO connection server (TCP and UDP on its port) with
 * the reference object's methods and events (wire spec §12.4). Port 0: not listening.
 */
import type { ServerEvent } from '../net/server/events.ts';
import { AooErrorCode } from '../protocol/aoo/constants.ts';
import type { Atom } from './control-protocol.ts';
import { type HostOutput, MethodDispatcher, type ObjectStatus, parseFlag } from './host-object.ts';
import type { OpenServer, ServerHandle } from './net-io.ts';

export interface ServerContext {
  readonly output: HostOutput;
  readonly openServer: OpenServer;
}

/** "0x1A": how the reference object shows a client ID. */
function clientIdAtom(id: number): string {
  return `0x${id.toString(16).toUpperCase()}`;
}

function errorName(code: number): string {
  const name = AooErrorCode[code];
  return name === undefined ? `error ${code}` : `error ${code} (${name})`;
}

export class ServerObject {
  readonly kind = 'server';
  private readonly dispatcher: MethodDispatcher;
  private port = 0;
  private relay = false;
  private clients = 0;
  /** The running server (null: none), once the latest start or stop has completed. */
  private server: Promise<ServerHandle | null> = Promise.resolve(null);
  /** Counts starts and stops: only the latest one may open a server and report its events. */
  private generation = 0;

  constructor(private readonly ctx: ServerContext) {
    this.dispatcher = new MethodDispatcher(
      {
        relay: (args) => {
          const on = args.length === 1 ? parseFlag(args[0]) : 'expects 0 or 1';
          if (typeof on === 'string') return on;
          if (on === this.relay) return undefined;
          this.relay = on;
          // After a start or stop still under way: that one opens with the old setting.
          this.server = this.server.then((server) => {
            server?.setRelay(on);
            return server;
          });
          ctx.output.stateChanged();
          return undefined;
        },
      },
      ctx.output,
    );
  }

  status(): ObjectStatus {
    return { latencyMs: 0, lostBlocks: 0 };
  }

  method(selector: string, args: readonly Atom[]): void {
    this.dispatcher.run(selector, args);
  }

  /** (Re)starts the server on `port` (0: stops it). The engine calls it at creation and for `port`. */
  listen(port: number): void {
    this.port = port;
    this.restart(port);
  }

  keep(): Atom[][] {
    return this.relay ? [['relay', 1]] : [];
  }

  close(): void {
    this.dispatcher.close();
    this.restart(0);
  }

  /** Stops the running server, then (once its port is free) starts one on `port` unless that is 0. */
  private restart(port: number): void {
    const generation = ++this.generation;
    this.resetClients();
    const relay = this.relay;
    const current = (): boolean => generation === this.generation;
    this.server = this.server.then(async (old) => {
      // A server that fails to close has let go of its port or never will: go on either way.
      await old?.close().catch(() => {});
      if (port === 0 || !current()) return null;
      try {
        return await this.ctx.openServer({ port, relay, onEvent: (e) => current() && this.handle(e) });
      } catch (e) {
        if (current()) this.ctx.output.error(`cannot listen on port ${port}: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }
    });
  }

  private resetClients(): void {
    if (this.clients === 0) return;
    this.clients = 0;
    this.ctx.output.event('clients', [0]);
  }

  private handle(e: ServerEvent): void {
    const out = this.ctx.output;
    switch (e.type) {
      case 'ClientLogin':
        if (e.error !== 0) {
          out.error(`client ${clientIdAtom(e.clientId)} (${e.remote}) could not log in: ${errorName(e.error)}`);
          return;
        }
        out.event('client_add', [clientIdAtom(e.clientId)]);
        out.event('clients', [++this.clients]);
        return;
      case 'ClientLogout':
        if (e.errorCode !== 0) out.error(`client ${clientIdAtom(e.clientId)}: ${errorName(e.errorCode)}${e.errorMessage === '' ? '' : `: ${e.errorMessage}`}`);
        out.event('client_remove', [clientIdAtom(e.clientId)]);
        out.event('clients', [--this.clients]);
        return;
      case 'GroupAdd':
        return out.event('group_add', [e.name]);
      case 'GroupRemove':
        return out.event('group_remove', [e.name]);
      case 'GroupJoin':
        return out.event('group_join', [e.groupName, e.userName, e.userId]);
      case 'GroupLeave':
        return out.event('group_leave', [e.groupName, e.userName, e.userId]);
      default:
        // Metadata updates: not forwarded by the reference object either.
        return;
    }
  }
}
