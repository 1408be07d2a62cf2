import { MsgType } from '../constants.ts';
import type { AooData } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';
import { readData, writeData } from '../server/fields.ts';

type ChangedKind = 'client/group/changed' | 'client/user/changed' | 'client/peer/changed';

/**
 * Metadata notifications `,iiib` `groupId, userId, type, data` (spec §11.6):
 * `/group/changed` (a group's metadata; `userId` = the updater, -1 = the server),
 * `/user/changed` (the server changed the client's own user), `/peer/changed` (a peer's user metadata).
 */
export interface ClientMetadataChanged<K extends ChangedKind> {
  readonly kind: K;
  readonly groupId: number;
  readonly userId: number;
  readonly data: AooData;
}

export type ClientGroupChanged = ClientMetadataChanged<'client/group/changed'>;
export type ClientUserChanged = ClientMetadataChanged<'client/user/changed'>;
export type ClientPeerChanged = ClientMetadataChanged<'client/peer/changed'>;

function metadataChangedCodec<K extends ChangedKind>(kind: K, subAddress: string): OscMessageCodec<ClientMetadataChanged<K>> {
  const address = aooAddress(MsgType.Client, null, subAddress);
  return {
    kind,
    type: MsgType.Client,
    subAddress,
    decode(r) {
      return { kind, groupId: r.int(), userId: r.int(), data: readData(r) };
    },
    encode(w, buf, offset, m) {
      w.begin(buf, offset, address, 'iiib').int(m.groupId).int(m.userId);
      writeData(w, m.data);
      return w.end();
    },
  };
}

export const clientGroupChanged = metadataChangedCodec('client/group/changed', '/group/changed');
export const clientUserChanged = metadataChangedCodec('client/user/changed', '/user/changed');
export const clientPeerChanged = metadataChangedCodec('client/peer/changed', '/peer/changed');
