import type { AooMessage } from '../../protocol/aoo/messages.ts';
import type { UdpAddress } from '../address.ts';
import type { LogLevel, LogValue, ServerEvent } from './events.ts';
import type { ServerOutput } from './output.ts';
import { encodeTcpFrame } from './tcp-frame.ts';

/** Collects the core's outputs until the wrapper drains them. */
export class Outbox {
  private queue: ServerOutput[] = [];

  /** Queues `m` for the client's TCP connection. */
  send(client: number, m: AooMessage): void {
    const frame = encodeTcpFrame(m);
    if (frame.ok) this.queue.push({ type: 'tcp', client, bytes: frame.value });
    else this.log('error', 'encode-failed', { clientId: client, message: m.kind, detail: frame.error.detail });
  }

  sendUdp(to: UdpAddress, bytes: Uint8Array): void {
    this.queue.push({ type: 'udp', to, bytes });
  }

  close(client: number): void {
    this.queue.push({ type: 'close', client });
  }

  event(event: ServerEvent): void {
    this.queue.push({ type: 'event', event });
  }

  log(level: LogLevel, message: string, fields: Record<string, LogValue> = {}): void {
    this.queue.push({ type: 'log', record: { level, message, fields } });
  }

  drain(): ServerOutput[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }
}
