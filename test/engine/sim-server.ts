/**
 * AOO servers on the simulated loopback network of sim-engine.ts: a real ServerCore per port,
 * its UDP side on a SimPort, TCP connections as in-order tasks delivered with the datagrams.
 */
import type { ConnectTcp, OpenServer, ServerHandle, ServerSettings, TcpConnection, TcpEvents } from '../../src/engine/net-io.ts';
import { ServerCore } from '../../src/net/server/core.ts';
import type { SocketAddress } from '../../src/stream/endpoint.ts';
import { LOOPBACK, type SimPort, type SimUdp } from './sim-engine.ts';

class SimServer implements ServerHandle {
  readonly core: ServerCore;
  private readonly connections = new Map<number, TcpEvents>();
  private closed = false;

  constructor(
    private readonly udp: SimUdp,
    private readonly socket: SimPort,
    private readonly now: () => number,
    private readonly settings: ServerSettings,
    private readonly onClose: () => void,
  ) {
    this.core = new ServerCore({ port: settings.port, relay: settings.relay });
    socket.networkHandler = (bytes, from) => {
      this.core.receiveUdp(bytes, from, now());
      this.flush();
    };
  }

  /** A TCP connection from `from`: open at the next delivery, unless the server has closed by then. */
  accept(from: SocketAddress, events: TcpEvents): TcpConnection {
    let id: number | null = null;
    this.udp.later(() => {
      if (this.closed) return events.closed('connect ECONNREFUSED');
      id = this.core.accept(from, this.now());
      this.connections.set(id, events);
      events.open();
      this.flush();
    });
    const live = () => id !== null && this.connections.has(id);
    return {
      write: (bytes) => {
        const copy = bytes.slice();
        this.udp.later(() => {
          if (!live()) return;
          this.core.receiveTcp(id!, copy, this.now());
          this.flush();
        });
      },
      close: () =>
        this.udp.later(() => {
          if (!live()) return;
          this.connections.delete(id!);
          this.core.disconnected(id!, this.now());
          this.flush();
        }),
    };
  }

  setRelay(on: boolean): void {
    this.core.setRelay(on);
  }

  tick(): void {
    this.core.tick(this.now());
    this.flush();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const events of this.connections.values()) this.udp.later(() => events.closed('connection reset'));
    this.connections.clear();
    this.socket.close();
    this.onClose();
    return Promise.resolve();
  }

  private flush(): void {
    for (let outputs = this.core.poll(); outputs.length > 0; outputs = this.core.poll()) {
      for (const o of outputs) {
        switch (o.type) {
          case 'tcp': {
            const events = this.connections.get(o.client);
            this.udp.later(() => this.connections.get(o.client) === events && events?.data(o.bytes));
            break;
          }
          case 'udp':
            this.socket.send(o.bytes, o.to);
            break;
          case 'close': {
            const events = this.connections.get(o.client);
            this.connections.delete(o.client);
            this.udp.later(() => events?.closed('closed by the server'));
            break;
          }
          case 'event':
            this.settings.onEvent(o.event);
            break;
          case 'log':
            break;
        }
      }
    }
  }
}

export class SimServers {
  private readonly servers = new Map<number, SimServer>();
  private nextTcpPort = 60000;

  constructor(
    private readonly udp: SimUdp,
    private readonly now: () => number,
  ) {}

  /** The server on `port`, if one runs. */
  at(port: number): SimServer | undefined {
    return this.servers.get(port);
  }

  readonly open: OpenServer = (settings) => {
    const socket = this.udp.openNow(settings.port);
    if (socket instanceof Error) return Promise.reject(socket);
    const server = new SimServer(this.udp, socket, this.now, settings, () => this.servers.delete(settings.port));
    this.servers.set(settings.port, server);
    return Promise.resolve(server);
  };

  readonly connect: ConnectTcp = (to, events) => {
    const server = to.address === LOOPBACK ? this.servers.get(to.port) : undefined;
    if (server !== undefined) return server.accept({ address: LOOPBACK, port: this.nextTcpPort++ }, events);
    this.udp.later(() => events.closed('connect ECONNREFUSED'));
    return { write: () => {}, close: () => {} };
  };

  tick(): void {
    for (const s of this.servers.values()) s.tick();
  }
}
