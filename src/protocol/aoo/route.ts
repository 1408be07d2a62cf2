import { MsgType } from './constants.ts';

/** Where a datagram goes (spec §1.4), found without decoding the message. */
export type Route =
  | { readonly form: 'binary'; readonly type: MsgType; readonly id: number; readonly cmd: number; readonly headerSize: 4 | 12 }
  | { readonly form: 'osc'; readonly type: MsgType; readonly id: number | null; readonly subAddress: string }
  | { readonly form: 'foreign' } // not AOO: neither '/' nor the binary bit
  | { readonly form: 'malformed'; readonly detail: string };

const OSC_TYPES: readonly [string, MsgType, boolean][] = [
  ['/src', MsgType.Source, true],
  ['/sink', MsgType.Sink, true],
  ['/client', MsgType.Client, false],
  ['/server', MsgType.Server, false],
  ['/peer', MsgType.Peer, false],
  ['/relay', MsgType.Relay, false],
];

/** Classifies a datagram by its first bytes. Never throws. */
export function routePacket(bytes: Uint8Array, offset = 0, length = bytes.length - offset): Route {
  if (length < 1) return { form: 'malformed', detail: 'empty packet' };
  const b0 = bytes[offset]!;
  if (b0 & 0x80) return routeBinary(bytes, offset, length);
  if (b0 !== 0x2f) return { form: 'foreign' };
  return routeOsc(bytes, offset, length);
}

function routeBinary(bytes: Uint8Array, offset: number, length: number): Route {
  if (length < 4) return { form: 'malformed', detail: `binary packet of ${length} bytes (min 4)` };
  const type = bytes[offset]! & 0x7f;
  if (!(type in MsgType)) return { form: 'malformed', detail: `unknown binary message type ${type}` };
  const b1 = bytes[offset + 1]!;
  if (type === MsgType.Relay) return { form: 'binary', type, id: 0, cmd: b1, headerSize: 4 };
  if (b1 & 0x80) {
    if (length < 12) return { form: 'malformed', detail: `long binary header needs 12 bytes, got ${length}` };
    const id = ((bytes[offset + 4]! << 24) | (bytes[offset + 5]! << 16) | (bytes[offset + 6]! << 8) | bytes[offset + 7]!) | 0;
    return { form: 'binary', type, id, cmd: b1 & 0x7f, headerSize: 12 };
  }
  return { form: 'binary', type, id: bytes[offset + 2]!, cmd: b1, headerSize: 4 };
}

function routeOsc(bytes: Uint8Array, offset: number, length: number): Route {
  let end = offset;
  const limit = offset + length;
  while (end < limit && bytes[end] !== 0) end++;
  if (end === limit) return { form: 'malformed', detail: 'OSC address has no NUL terminator' };
  const address = String.fromCharCode.apply(null, bytes.subarray(offset, end) as unknown as number[]);
  if (!address.startsWith('/aoo/') && address !== '/aoo') return { form: 'foreign' };
  const rest = address.slice(4);
  for (const [segment, type, hasId] of OSC_TYPES) {
    if (!rest.startsWith(segment)) continue;
    const after = rest.slice(segment.length);
    if (!hasId) {
      if (after !== '' && !after.startsWith('/')) continue;
      return { form: 'osc', type, id: null, subAddress: after };
    }
    const m = /^\/(-?\d+)(\/.*)?$/.exec(after);
    if (m === null) return { form: 'malformed', detail: `no numeric ID in "${address}"` };
    const id = Number(m[1]);
    if (!Number.isSafeInteger(id) || id < -2147483648 || id > 2147483647) {
      return { form: 'malformed', detail: `ID out of range in "${address}"` };
    }
    return { form: 'osc', type, id, subAddress: m[2] ?? '' };
  }
  return { form: 'malformed', detail: `unknown AOO address "${address}"` };
}
