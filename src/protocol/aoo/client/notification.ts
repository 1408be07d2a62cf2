import { MsgType } from '../constants.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';

/**
 * `/aoo/client/msg` (spec §11.6, §13 #3): a notification from the server. Documented as
 * `,ib` `type, data`; the reference server sends only the blob (`,b`), kept as `dataType: null`
 * so both forms re-encode to the same bytes. Our server sends `,ib`.
 */
export interface ClientNotification {
  readonly kind: 'client/msg';
  /** `AooDataType`; null for the reference server's blob-only form. */
  readonly dataType: number | null;
  readonly bytes: Uint8Array;
}

export const clientNotification: OscMessageCodec<ClientNotification> = {
  kind: 'client/msg',
  type: MsgType.Client,
  subAddress: '/msg',
  decode(r) {
    const dataType = r.peek() === 'b' ? null : r.int();
    const bytes = r.blob();
    if (dataType !== null && r.error === null && bytes.length === 0) r.reject('bad-size', 'notification data must not be empty');
    return { kind: 'client/msg', dataType, bytes };
  },
  encode(w, buf, offset, m) {
    const address = aooAddress(MsgType.Client, null, '/msg');
    if (m.dataType === null) return w.begin(buf, offset, address, 'b').blob(m.bytes).end();
    return w.begin(buf, offset, address, 'ib').int(m.dataType).blob(m.bytes).end();
  },
};
