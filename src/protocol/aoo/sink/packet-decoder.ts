import { MsgType } from '../constants.ts';
import { type AooMessage, decodeAoo } from '../messages.ts';
import { type SinkData, decodeBinaryDataInto, emptySinkData } from './data.ts';

/** The largest UDP payload: any datagram fits the receive buffer. */
const MAX_DATAGRAM = 65535;
/** First byte of a binary message to a sink, and the command of `/data` (spec §3.1, §3.3). */
const BINARY_SINK = 0x80 | MsgType.Sink;
const DATA_CMD = 0;

/**
 * Decodes the datagrams that reach a sink. Binary `/data` — almost every one of them — goes
 * into one reused frame, copied first into one reused buffer (so its cached DataView serves
 * every packet): nothing is allocated per packet. Anything else is decoded whole.
 * The message returned is valid until the next `decode()`.
 */
export class SinkPacketDecoder {
  private readonly buffer = new Uint8Array(MAX_DATAGRAM);
  private readonly frame: SinkData = emptySinkData();

  /** The message, or null for a datagram that is not a well-formed AOO message. */
  decode(bytes: Uint8Array): AooMessage | null {
    if (bytes.length >= 4 && bytes[0] === BINARY_SINK && (bytes[1]! & 0x7f) === DATA_CMD) {
      this.buffer.set(bytes);
      const headerSize = bytes[1]! & 0x80 ? 12 : 4;
      return decodeBinaryDataInto(this.buffer, 0, bytes.length, headerSize, this.frame) === null ? this.frame : null;
    }
    const r = decodeAoo(bytes);
    return r.ok ? r.value : null;
  }
}
