import { type OscArg, decodeOscMessage } from '../osc/message.ts';
import { describeOscError } from '../osc/error.ts';
import { formatNtp } from '../ntp.ts';
import { MsgType, dataTypeName } from './constants.ts';
import { decodeAoo } from './messages.ts';
import { routePacket } from './route.ts';
import { decodeStreamMessages } from './stream-messages.ts';
import { readUtf8 } from '../osc/strings.ts';

/**
 * One line describing a datagram at the wire level, in the format of the reference captures
 * (`aoo/vectors/live-*.wire.txt`): OSC as `<address> <tags> <args…>`, binary as
 * `BIN type=… cmd=… to=… from=… hdr=… [data] stream=… seq=… …`. Never throws.
 */
export function describePacket(bytes: Uint8Array): string {
  const route = routePacket(bytes);
  switch (route.form) {
    case 'foreign':
      return `NOT-AOO ${bytes.length} bytes`;
    case 'malformed':
      return `MALFORMED ${route.detail}`;
    case 'osc':
      return describeOsc(bytes);
    case 'binary':
      return describeBinary(bytes, route.type, route.cmd, route.headerSize);
  }
}

function describeOsc(bytes: Uint8Array): string {
  const m = decodeOscMessage(bytes);
  if (!m.ok) return `MALFORMED OSC ${describeOscError(m.error)}`;
  const tags = ',' + m.value.args.map((a) => a.type).join('');
  const line = [m.value.address, tags, ...m.value.args.map(formatArg)].join(' ');
  const check = decodeAoo(bytes);
  return check.ok || check.error.kind === 'foreign' ? line : `${line} INVALID ${check.error.detail}`;
}

function formatArg(a: OscArg): string {
  switch (a.type) {
    case 'i':
    case 'h':
      return String(a.value);
    case 'f':
    case 'd':
      return Number.isInteger(a.value) ? a.value.toFixed(1) : String(a.value);
    case 's':
      return `'${a.value}'`;
    case 'b':
      return `blob[${a.value.length}]`;
    case 't':
      return `t:${formatNtp(a.value)}`;
    default:
      return a.type;
  }
}

const TYPE_NAMES: Record<number, string> = { [MsgType.Source]: 'src', [MsgType.Sink]: 'sink', [MsgType.Peer]: 'peer', [MsgType.Relay]: 'relay' };

function describeBinary(bytes: Uint8Array, type: MsgType, cmd: number, headerSize: 4 | 12): string {
  const decoded = decodeAoo(bytes);
  if (!decoded.ok) return `MALFORMED BIN ${decoded.error.detail}`;
  const m = decoded.value;
  const name = TYPE_NAMES[type] ?? String(type);
  if (m.kind === 'sink/data') {
    const parts = [`BIN type=${name} cmd=${cmd} to=${m.sinkId} from=${m.sourceId} hdr=${headerSize} [data]`];
    parts.push(`stream=${m.streamId} seq=${m.sequence} channel=${m.channel} flags=0x${bytes[headerSize + 9]!.toString(16).padStart(2, '0')} size=${m.payloadSize}`);
    if (m.frameCount > 1) parts.push(`total=${m.totalSize} nframes=${m.frameCount} frame=${m.frameIndex}`);
    if (m.messageSize > 0) parts.push(`msgsize=${m.messageSize}`);
    if (m.sampleRate !== 0) parts.push(`sr=${m.sampleRate}`);
    if (m.timestamp !== null) parts.push(`tt=${formatNtp(m.timestamp)}`);
    parts.push(`data_offset=${m.payloadOffset} data_len=${m.payloadSize}`);
    return parts.join(' ');
  }
  return `BIN type=${name} cmd=${cmd} hdr=${headerSize} ${JSON.stringify(m, jsonReplacer)}`;
}

/** Stream messages in the first frame of a block, e.g. `msg[offset=36 ch=0 text "hello 0"]`. */
export function describeStreamMessages(bytes: Uint8Array): string[] {
  const d = decodeAoo(bytes);
  if (!d.ok || d.value.kind !== 'sink/data' || d.value.messageSize === 0 || d.value.frameIndex !== 0) return [];
  const m = d.value;
  if (m.payloadSize < m.messageSize) return ['msg[split over frames]'];
  const list = decodeStreamMessages(m.payload, m.payloadOffset, m.messageSize);
  if (typeof list === 'string') return [`msg[MALFORMED ${list}]`];
  return list.map((s) => {
    const text = s.type === 1 ? JSON.stringify(readUtf8(s.data, 0, s.data.length) ?? '') : `${s.data.length} bytes`;
    return `msg[offset=${s.offset} ch=${s.channel} ${dataTypeName(s.type)} ${text}]`;
  });
}

/** JSON of a decoded message: bigints as NTP text, byte views as their length. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return formatNtp(value);
  if (value instanceof Uint8Array) return `bytes[${value.length}]`;
  return value;
}
