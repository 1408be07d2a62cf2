import { type AooEncodeError, type AooMessage, encodeAoo } from '../../protocol/aoo/messages.ts';
import { TCP_PREFIX_SIZE } from '../../protocol/aoo/tcp-framing.ts';
import { type Result, err, ok } from '../../protocol/result.ts';

/** Largest frame the server writes; replies carry at most a few metadata blobs from frames of at most 64 KiB. */
const MAX_OUTGOING_FRAME = 1 << 20;

let scratch = new Uint8Array(8192);

/** `m` with its 4-byte big-endian length prefix (spec §11.2), in a fresh array. */
export function encodeTcpFrame(m: AooMessage): Result<Uint8Array, AooEncodeError> {
  for (;;) {
    const r = encodeAoo(m, scratch, TCP_PREFIX_SIZE);
    if (r.ok) {
      const frame = scratch.slice(0, TCP_PREFIX_SIZE + r.value);
      new DataView(frame.buffer).setUint32(0, r.value);
      return ok(frame);
    }
    if (r.error.kind !== 'overflow' || scratch.length >= MAX_OUTGOING_FRAME) return err(r.error);
    scratch = new Uint8Array(scratch.length * 2);
  }
}
