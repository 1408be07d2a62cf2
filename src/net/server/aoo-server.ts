import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { unmapAddress } from '../address.ts';
import { UdpEndpoint } from '../udp-endpoint.ts';
import { ServerCore } from './core.ts';
import type { ServerOptions } from './context.ts';
import type { LogRecord, ServerEvent } from './events.ts';

export interface AooServerOptions extends ServerOptions {
  /** Interface to listen on; default all, IPv4 and IPv6 (dual stack). */
  readonly host?: string;
  readonly onEvent?: (event: ServerEvent) => void;
  readonly onLog?: (record: LogRecord) => void;
}

/** A client that reads this far behind is disconnected rather than buffered without end. */
const MAX_UNSENT_BYTES = 1 << 20;
/** How long a closed connection may take to drain before it is cut. */
const CLOSE_GRACE_MS = 2000;
const TICK_MS = 100;

const now = (): number => performance.now() / 1000;

/**
 * The AOO server on a real port: one TCP listener and one UDP socket on the same port number
 * (spec §11.1), both dual stack unless `host` names an address. All protocol behaviour is in
 * ServerCore; this class moves bytes and runs the heartbeat timer.
 */
export class AooServer {
  readonly core: ServerCore;
  private readonly sockets = new Map<number, Socket>();
  private readonly closing = new Set<Socket>();
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly tcp: Server,
    private readonly udp: UdpEndpoint,
    readonly port: number,
    private readonly options: AooServerOptions,
  ) {
    this.core = new ServerCore({ ...options, port });
    tcp.on('connection', (socket) => this.accept(socket));
    udp.networkHandler = (bytes, from) => {
      this.core.receiveUdp(bytes, from, now());
      this.flush();
    };
    this.timer = setInterval(() => {
      this.core.tick(now());
      this.flush();
    }, TICK_MS);
  }

  /** Listens on `options.port` (0 = any free port, the same for TCP and UDP). */
  static async listen(options: AooServerOptions): Promise<AooServer> {
    const report = (reason: string, detail: string) => options.onLog?.({ level: 'warn', message: 'dropped', fields: { reason, detail } });
    for (let attempt = 1; ; attempt++) {
      const tcp = await listenTcp(options.port, options.host);
      const port = (tcp.address() as AddressInfo).port;
      try {
        return new AooServer(tcp, await UdpEndpoint.open(port, options.host, report), port, options);
      } catch (e) {
        await new Promise((resolve) => tcp.close(resolve));
        // With port 0 the UDP side of the TCP port may be taken: try another port.
        if (options.port !== 0 || attempt === 10) throw e;
      }
    }
  }

  /** Turns the relay on or off without dropping anyone (see ServerCore.setRelay). */
  setRelay(on: boolean): void {
    this.core.setRelay(on);
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const socket of [...this.sockets.values(), ...this.closing]) socket.destroy();
    this.sockets.clear();
    this.closing.clear();
    this.udp.close();
    await new Promise((resolve) => this.tcp.close(resolve));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const id = this.core.accept({ address: unmapAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 }, now());
    this.sockets.set(id, socket);
    socket.on('data', (chunk: Buffer) => {
      this.core.receiveTcp(id, chunk, now());
      this.flush();
    });
    socket.on('close', () => {
      this.closing.delete(socket);
      if (!this.sockets.delete(id)) return;
      this.core.disconnected(id, now());
      this.flush();
    });
    socket.on('error', () => {}); // 'close' follows
    this.flush();
  }

  /** Carries out the core's outputs, including those caused by carrying them out. */
  private flush(): void {
    for (let outputs = this.core.poll(); outputs.length > 0; outputs = this.core.poll()) {
      for (const o of outputs) {
        switch (o.type) {
          case 'tcp':
            this.write(o.client, o.bytes);
            break;
          case 'udp':
            this.udp.send(o.bytes, o.to);
            break;
          case 'close':
            this.end(o.client);
            break;
          case 'event':
            this.options.onEvent?.(o.event);
            break;
          case 'log':
            this.options.onLog?.(o.record);
            break;
        }
      }
    }
  }

  private write(id: number, bytes: Uint8Array): void {
    const socket = this.sockets.get(id);
    if (socket === undefined) return;
    socket.write(bytes);
    if (socket.writableLength <= MAX_UNSENT_BYTES) return;
    this.options.onLog?.({ level: 'warn', message: 'client-too-slow', fields: { clientId: id, unsent: socket.writableLength } });
    this.sockets.delete(id);
    socket.destroy();
    this.core.disconnected(id, now());
  }

  private end(id: number): void {
    const socket = this.sockets.get(id);
    if (socket === undefined) return;
    this.sockets.delete(id);
    this.closing.add(socket);
    socket.setTimeout(CLOSE_GRACE_MS, () => socket.destroy());
    socket.end();
  }
}

function listenTcp(port: number, host: string | undefined): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: host ?? '::', ipv6Only: false }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
