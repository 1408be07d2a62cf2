import { SocketAddress, isIPv4, isIPv6 } from 'node:net';
import { oscError } from '../osc/error.ts';
import { OscReader } from '../osc/reader.ts';
import { OscWriter } from '../osc/writer.ts';
import { MsgType } from './constants.ts';
import type { IpEndpoint } from './data.ts';
import { type AooDecodeError, type BinaryMessageCodec, type OscMessageCodec, aooAddress, decodeError } from './message-codec.ts';

/**
 * A packet wrapped for the relay (spec §3.5 binary type 0x85, §11.9 OSC `/aoo/relay ,sib`).
 *
 * Sender → relay: `address` is the destination; relay → receiver: the source. The host is a
 * numeric IP: dotted IPv4, or IPv6 in Node's canonical compressed form ("fd00::2"); an
 * IPv4-mapped IPv6 address is always turned into plain IPv4 (decoded and encoded).
 */
export interface RelayMessage {
  readonly kind: 'relay';
  readonly form: 'binary' | 'osc';
  readonly address: IpEndpoint;
  /** The embedded AOO packet (OSC or binary), a view into the datagram. */
  readonly packet: Uint8Array;
}

const RELAY_IPV4 = 0;
const RELAY_IPV6 = 1;

/** The 4 or 16 address bytes of a numeric IP string (IPv4-mapped IPv6 gives 4), or null. */
export function ipAddressBytes(host: string): Uint8Array | null {
  if (isIPv4(host)) return Uint8Array.from(host.split('.'), Number);
  if (!isIPv6(host) || host.includes('%')) return null;
  const [head, tail] = host.split('::');
  const left = ipv6Groups(head ?? '');
  const right = tail === undefined ? [] : ipv6Groups(tail);
  const groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return isIpv4Mapped(bytes, 0) ? bytes.slice(12) : bytes;
}

/** Groups of one side of "::", a trailing dotted IPv4 part counting as two. */
function ipv6Groups(part: string): number[] {
  if (part === '') return [];
  const groups: number[] = [];
  for (const g of part.split(':')) {
    if (g.includes('.')) {
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      groups.push((a << 8) | b, (c << 8) | d);
    } else groups.push(Number.parseInt(g, 16));
  }
  return groups;
}

function isIpv4Mapped(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 10; i++) if (bytes[at + i] !== 0) return false;
  return bytes[at + 10] === 0xff && bytes[at + 11] === 0xff;
}

/** The host string of 4 (IPv4) or 16 (IPv6) address bytes at `bytes[at]`; IPv4-mapped IPv6 is unmapped. */
export function ipAddressString(bytes: Uint8Array, at: number, size: 4 | 16): string {
  if (size === 16 && isIpv4Mapped(bytes, at)) return ipAddressString(bytes, at + 12, 4);
  if (size === 4) return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[at + i]! << 8) | bytes[at + i + 1]!).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** An endpoint with its host in canonical form, or null if the host is not a numeric IP or the port is out of range. */
function canonicalEndpoint(e: IpEndpoint): { host: string; port: number; bytes: Uint8Array } | null {
  const bytes = ipAddressBytes(e.host);
  if (bytes === null || !Number.isInteger(e.port) || e.port < 0 || e.port > 0xffff) return null;
  return { host: ipAddressString(bytes, 0, bytes.length as 4 | 16), port: e.port, bytes };
}

function decodeBinaryRelay(bytes: Uint8Array, offset: number, length: number): RelayMessage | AooDecodeError {
  const size = bytes[offset + 1] === RELAY_IPV6 ? 16 : 4;
  if (length <= 4 + size) return decodeError('malformed', `relay packet of ${length} bytes has no embedded packet`);
  const port = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  return {
    kind: 'relay',
    form: 'binary',
    address: { host: ipAddressString(bytes, offset + 4, size), port },
    packet: bytes.subarray(offset + 4 + size, offset + length),
  };
}

function encodeBinaryRelay(buf: Uint8Array, offset: number, m: RelayMessage): number {
  const e = canonicalEndpoint(m.address);
  if (e === null) return -1;
  const size = 4 + e.bytes.length + m.packet.length;
  if (offset + size > buf.length) return -1;
  buf[offset] = 0x80 | MsgType.Relay;
  buf[offset + 1] = e.bytes.length === 16 ? RELAY_IPV6 : RELAY_IPV4;
  buf[offset + 2] = e.port >> 8;
  buf[offset + 3] = e.port & 0xff;
  buf.set(e.bytes, offset + 4);
  buf.set(m.packet, offset + 4 + e.bytes.length);
  return size;
}

/** Binary relay with an IPv4 address (cmd 0). Encoding picks the family from the address. */
export const relayIpv4Binary: BinaryMessageCodec<RelayMessage> = {
  kind: 'relay',
  type: MsgType.Relay,
  cmd: RELAY_IPV4,
  decode: decodeBinaryRelay,
  encode: encodeBinaryRelay,
};

/** Binary relay with an IPv6 address (cmd 1). */
export const relayIpv6Binary: BinaryMessageCodec<RelayMessage> = { ...relayIpv4Binary, cmd: RELAY_IPV6 };

/** `/aoo/relay ,sib <ip> <port> <packet>`. */
export const relayOsc: OscMessageCodec<RelayMessage> = {
  kind: 'relay',
  type: MsgType.Relay,
  subAddress: '',
  decode(r) {
    const host = r.string();
    const port = r.int();
    const packet = r.blob();
    const address = canonicalEndpoint({ host, port });
    if (r.error === null) {
      if (address === null) r.reject('bad-string', `relay address "${host}" port ${port} is not a numeric IP endpoint`);
      else if (packet.length === 0) r.reject('bad-size', 'relay: empty embedded packet');
    }
    return { kind: 'relay', form: 'osc', address: address === null ? { host, port } : { host: address.host, port }, packet };
  },
  encode(w, buf, offset, m) {
    const e = canonicalEndpoint(m.address);
    if (e === null) return oscError('bad-string', offset, `relay address "${m.address.host}" port ${m.address.port} is not a numeric IP endpoint`);
    return w.begin(buf, offset, aooAddress(MsgType.Relay, null, ''), 'sib').string(e.host).int(e.port).blob(m.packet).end();
  },
};

export const relayOscCodecs: readonly OscMessageCodec<RelayMessage>[] = [relayOsc];
export const relayBinaryCodecs: readonly BinaryMessageCodec<RelayMessage>[] = [relayIpv4Binary, relayIpv6Binary];

const reader = new OscReader();
const writer = new OscWriter();

/**
 * Wraps `packet` for the relay into `out` at `offset`: `address` is the destination when
 * sending to a relay, the source when the relay forwards. Returns the length, or -1 if `out`
 * has no room or the address is not a numeric IP endpoint.
 */
export function wrapForRelay(out: Uint8Array, offset: number, form: 'binary' | 'osc', address: IpEndpoint, packet: Uint8Array): number {
  const m: RelayMessage = { kind: 'relay', form, address, packet };
  if (form === 'binary') return encodeBinaryRelay(out, offset, m);
  const n = relayOsc.encode(writer, out, offset, m);
  return typeof n === 'number' ? n : -1;
}

/** The address and embedded packet of a relay message in either form; an error for anything else. */
export function unwrapRelay(bytes: Uint8Array, offset = 0, length = bytes.length - offset): RelayMessage | AooDecodeError {
  if (length >= 4 && bytes[offset] === (0x80 | MsgType.Relay)) {
    const cmd = bytes[offset + 1];
    if (cmd !== RELAY_IPV4 && cmd !== RELAY_IPV6) return decodeError('unknown-message', `binary relay cmd ${cmd}`);
    return decodeBinaryRelay(bytes, offset, length);
  }
  const e = reader.reset(bytes, offset, length);
  if (e !== null) return decodeError('malformed', e.detail);
  if (reader.address() !== '/aoo/relay') return decodeError('unknown-message', `not a relay message: "${reader.address()}"`);
  const m = relayOsc.decode(reader, null);
  const fault = reader.finish();
  return fault === null ? m : decodeError('bad-arguments', `relay: ${fault.detail}`);
}
