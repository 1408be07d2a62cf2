/**
 * UDP ports shared by every object that names them (wire spec §1.4): one socket per port,
 * opened when the first object needs it, closed when the last one lets go.
 */
import { MsgType } from '../protocol/aoo/constants.ts';
import type { SocketAddress } from '../stream/endpoint.ts';

export type PacketHandler = (bytes: Uint8Array, from: SocketAddress) => void;

/** One open UDP port (UdpEndpoint in the engine process, a simulated one in tests). */
export interface NetworkPort {
  attach(type: MsgType.Source | MsgType.Sink, id: number, handler: PacketHandler): void;
  detach(type: MsgType.Source | MsgType.Sink, id: number): void;
  send(bytes: Uint8Array, to: SocketAddress): void;
  close(): void;
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

/** Where one object's datagrams go in and out: (port, type, id) on a shared port. */
export class PortBinding {
  private open: NetworkPort | null = null;
  private state: 'opening' | 'open' | 'failed' | 'released' = 'opening';

  constructor(
    private readonly pool: PortPool,
    readonly port: number,
    private readonly type: MsgType.Source | MsgType.Sink,
    readonly id: number,
    handler: PacketHandler,
    onError: (text: string) => void,
  ) {
    pool.acquire(port).then(
      (p) => {
        if (this.state !== 'opening') return;
        this.state = 'open';
        this.open = p;
        p.attach(type, id, handler);
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

  release(): void {
    const wasFailed = this.state === 'failed';
    this.open?.detach(this.type, this.id);
    this.open = null;
    this.state = 'released';
    if (!wasFailed) this.pool.release(this.port);
  }
}

export function messageTypeOf(kind: 'send' | 'receive'): MsgType.Source | MsgType.Sink {
  return kind === 'send' ? MsgType.Source : MsgType.Sink;
}
