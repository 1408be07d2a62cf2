import { type AooMessage, encodeAoo } from '../protocol/aoo/messages.ts';
import { type SinkData, encodeBinaryData } from '../protocol/aoo/sink/data.ts';
import type { PacketOut, SocketAddress } from './endpoint.ts';

/**
 * Encodes messages into one preallocated buffer and hands the bytes to the transport. Binary
 * `/data`, the per-block traffic, is encoded without a result object and passed on as a view
 * made once per packet length, so a running stream allocates nothing here.
 */
export class MessageWriter {
  private readonly buffer = new Uint8Array(65536);
  private readonly views = new Map<number, Uint8Array>();

  write(m: AooMessage, to: SocketAddress, out: PacketOut): void {
    const r = encodeAoo(m, this.buffer, 0);
    if (!r.ok) throw new Error(`cannot encode ${m.kind}: ${r.error.detail}`);
    this.emit(r.value, to, out);
  }

  writeData(frame: SinkData, to: SocketAddress, out: PacketOut): void {
    if (frame.form !== 'binary') {
      this.write(frame, to, out);
      return;
    }
    const length = encodeBinaryData(this.buffer, 0, frame);
    if (length < 0) throw new Error(`cannot encode sink/data: ${frame.payloadSize} bytes of payload`);
    this.emit(length, to, out);
  }

  private emit(length: number, to: SocketAddress, out: PacketOut): void {
    let view = this.views.get(length);
    if (view === undefined) {
      view = this.buffer.subarray(0, length);
      this.views.set(length, view);
    }
    out(view, to);
  }
}
