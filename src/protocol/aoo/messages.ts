import { OscReader } from '../osc/reader.ts';
import { describeOscError } from '../osc/error.ts';
import { OscWriter } from '../osc/writer.ts';
import { type Result, err, ok } from '../result.ts';
import { PACKET_SIZE_MAX } from './constants.ts';
import { type AooDecodeError, type BinaryMessageCodec, type OscMessageCodec, decodeError } from './message-codec.ts';
import { type ClientMessage, clientBinaryCodecs, clientOscCodecs } from './client/index.ts';
import { type PeerMessage, peerBinaryCodecs, peerOscCodecs } from './peer/index.ts';
import { type RelayMessage, relayBinaryCodecs, relayOscCodecs } from './relay.ts';
import { type ServerMessage, serverBinaryCodecs, serverOscCodecs } from './server/index.ts';
import { type SinkMessage, sinkBinaryCodecs, sinkOscCodecs } from './sink/index.ts';
import { type SourceMessage, sourceBinaryCodecs, sourceOscCodecs } from './source/index.ts';
import { routePacket } from './route.ts';

/** Every AOO 2.0 message as a typed value, discriminated by `kind`. */
export type AooMessage = SinkMessage | SourceMessage | PeerMessage | ClientMessage | ServerMessage | RelayMessage;

type AnyOsc = OscMessageCodec<AooMessage>;
type AnyBinary = BinaryMessageCodec<AooMessage>;

const oscByAddress = new Map<string, AnyOsc>();
const binaryByCmd = new Map<number, AnyBinary>();
const oscByKind = new Map<string, AnyOsc>();
const binaryByKind = new Map<string, AnyBinary>();

for (const c of [...sinkOscCodecs, ...sourceOscCodecs, ...peerOscCodecs, ...clientOscCodecs, ...serverOscCodecs, ...relayOscCodecs] as AnyOsc[]) {
  oscByAddress.set(`${c.type}${c.subAddress}`, c);
  oscByKind.set(c.kind, c);
}
for (const c of [...sinkBinaryCodecs, ...sourceBinaryCodecs, ...peerBinaryCodecs, ...clientBinaryCodecs, ...serverBinaryCodecs, ...relayBinaryCodecs] as AnyBinary[]) {
  binaryByCmd.set((c.type << 8) | c.cmd, c);
  binaryByKind.set(c.kind, c);
}

const reader = new OscReader();
const writer = new OscWriter();

/** Decodes one datagram (or TCP frame) into a typed AOO message. Never throws. */
export function decodeAoo(bytes: Uint8Array, offset = 0, length = bytes.length - offset): Result<AooMessage, AooDecodeError> {
  const route = routePacket(bytes, offset, length);
  switch (route.form) {
    case 'foreign':
      return err(decodeError('foreign', 'not an AOO message'));
    case 'malformed':
      return err(decodeError('malformed', route.detail));
    case 'binary': {
      const codec = binaryByCmd.get((route.type << 8) | route.cmd);
      if (codec === undefined) return err(decodeError('unknown-message', `binary message type ${route.type} cmd ${route.cmd}`));
      const m = codec.decode(bytes, offset, length, route.headerSize);
      return 'detail' in m ? err(m) : ok(m);
    }
    case 'osc': {
      const e = reader.reset(bytes, offset, length);
      if (e !== null) return err(decodeError('malformed', describeOscError(e)));
      const codec = oscByAddress.get(`${route.type}${route.subAddress}`);
      if (codec === undefined) return err(decodeError('unknown-message', `no AOO message at "${reader.address()}"`));
      const m = codec.decode(reader, route.id);
      const fault = reader.finish();
      if (fault !== null) return err(decodeError('bad-arguments', `${codec.kind}: ${describeOscError(fault)}`));
      return ok(m);
    }
  }
}

/** Why a message could not be encoded. */
export interface AooEncodeError {
  readonly kind: 'overflow' | 'invalid';
  readonly detail: string;
}

/** Encodes `m` (in its `form`, if it has one) into `buf` at `offset`; returns the byte length. */
export function encodeAoo(m: AooMessage, buf: Uint8Array, offset = 0): Result<number, AooEncodeError> {
  const binary = 'form' in m && m.form === 'binary';
  if (binary) {
    const codec = binaryByKind.get(m.kind);
    if (codec === undefined) return err({ kind: 'invalid', detail: `${m.kind} has no binary form` });
    const n = codec.encode(buf, offset, m);
    return n < 0 ? err({ kind: 'overflow', detail: `${m.kind} does not fit in ${buf.length - offset} bytes` }) : ok(n);
  }
  const codec = oscByKind.get(m.kind);
  if (codec === undefined) return err({ kind: 'invalid', detail: `${m.kind} has no OSC form` });
  const n = codec.encode(writer, buf, offset, m);
  if (typeof n !== 'number') return err({ kind: n.kind === 'overflow' ? 'overflow' : 'invalid', detail: `${m.kind}: ${describeOscError(n)}` });
  return ok(n);
}

const scratch = new Uint8Array(PACKET_SIZE_MAX * 16);

/** Encodes into a fresh buffer of exactly the message's size (for non-hot paths and tests). */
export function encodeAooToBytes(m: AooMessage): Result<Uint8Array, AooEncodeError> {
  const r = encodeAoo(m, scratch, 0);
  return r.ok ? ok(scratch.slice(0, r.value)) : r;
}
