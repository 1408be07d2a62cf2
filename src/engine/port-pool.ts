/**
 * UDP ports shared by every object that names them (wire spec §1.4): one socket per port,
 * opened when the first object needs it, closed when the last one lets go.
 */
import { MsgType } from '../protocol/aoo/constants.ts';
import type { SocketAddress } from '../stream/endpoint.ts';
import type { StreamKind } from './control-protocol.ts';

export type PacketHandler = (bytes: Uint8Array, from: SocketAddress) => void;

/** One open UDP port (UdpEndpoint in the engine process, a simulated one in tests). */
export interface NetworkPort {
  attach(type: MsgType.Source | MsgType.Sink, id: number, handler: PacketHandler): void;
  detach(type: MsgType.Source | MsgType.Sink, id: number): void;
  /** Receives what is not for a source or sink: the port's client (server, peer and relay traffic). */
  networkHandler: PacketHandler | null;
  send(bytes: Uint8Array, to: SocketAddress): void;
  /** Routes a datagram as if it had arrived from `from` (source and sink packets a relay forwarded). */
  dispatch(bytes: Uint8Array, from: SocketAddress): void;
  close(): void;
}

/** How an object hooks into a port: as a source or sink with its ID, or as the port's client. */
export interface PortAttachment {
  attach(port: NetworkPort): void;
  detach(port: NetworkPort): void;
}

export function objectAttachment(type: MsgType.Source | MsgType.Sink, id: number, handler: PacketHandler): PortAttachment {
  return { attach: (p) => p.attach(type, id, handler), detach: (p) => p.detach(type, id) };
}

/** The engine lets one client at most use a port, so the handler is free when it attaches. */
export function clientAttachment(handler: PacketHandler): PortAttachment {
  return {
    attach: (p) => (p.networkHandler = handler),
    detach: (p) => {
      if (p.networkHandler === handler) p.networkHandler = null;
    },
  };
}

export type OpenPort = (port: number) => Promise<NetworkPort>;

interface Entry {
  users: number;
  readonly port: Promise<NetworkPort>;
}

export class PortPool {
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly open: OpenPort) {}

  /** Ports open or opening. */
  get size(): number {
    return this.entries.size;
  }

  /** One more user of `port`. When opening fails, the pool forgets the port (the next acquire tries again). */
  acquire(port: number): Promise<NetworkPort> {
    let entry = this.entries.get(port);
    if (entry === undefined) {
      const opening = this.open(port);
      const created: Entry = { users: 0, port: opening };
      opening.catch(() => {
        if (this.entries.get(port) === created) this.entries.delete(port);
      });
      this.entries.set(port, created);
      entry = created;
    }
    entry.users++;
    return entry.port;
  }

  /** One user less; the last one closes the socket. Only for acquisitions that did not fail. */
  release(port: number): void {
    const entry = this.entries.get(port);
    if (entry === undefined) return;
    if (--entry.users > 0) return;
    this.entries.delete(port);
    entry.port.then(
      (p) => p.close(),
      () => {},
    );
  }
}

/** Where one object's datagrams go in and out on a shared port. */
export class PortBinding {
  private open: NetworkPort | null = null;
  private state: 'opening' | 'open' | 'failed' | 'released' = 'opening';

  constructor(
    private readonly pool: PortPool,
    readonly port: number,
    private readonly attachment: PortAttachment,
    onError: (text: string) => void,
  ) {
    pool.acquire(port).then(
      (p) => {
        if (this.state !== 'opening') return;
        this.state = 'open';
        this.open = p;
        attachment.attach(p);
      },
      (e: unknown) => {
        if (this.state === 'released') return;
        this.state = 'failed';
        onError(`cannot open UDP port ${port}: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  send(bytes: Uint8Array, to: SocketAddress): void {
    this.open?.send(bytes, to);
  }

  dispatch(bytes: Uint8Array, from: SocketAddress): void {
    this.open?.dispatch(bytes, from);
  }

  release(): void {
    const wasFailed = this.state === 'failed';
    if (this.open !== null) this.attachment.detach(this.open);
    this.open = null;
    this.state = 'released';
    if (!wasFailed) this.pool.release(this.port);
  }
}

export function messageTypeOf(kind: StreamKind): MsgType.Source | MsgType.Sink {
  return kind === 'send' ? MsgType.Source : MsgType.Sink;
}
