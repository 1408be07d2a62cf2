import { MsgType } from '../constants.ts';
import { type AooData, type IpEndpoint, optionalDataTags, optionalEndpointTags, readOptionalData, writeOptionalData, writeOptionalEndpoint } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';
import { readRelayHost } from '../server/fields.ts';
import { type RequestResult, encodeRequestError, readRequestError } from './reply.ts';

/** A successful group join: the 14-argument reply of spec §11.5. */
export interface GroupJoinSuccess {
  readonly groupId: number;
  /** 0x01 = persistent. */
  readonly groupFlags: number;
  readonly groupMetadata: AooData | null;
  readonly userId: number;
  /** Opaque: the reference sends a boolean here (spec §13 #4). */
  readonly userFlags: number;
  readonly userMetadata: AooData | null;
  /** From the server's request handler. */
  readonly privateMetadata: AooData | null;
  /** The group relay, else the global relay, else ("", server port) for the internal relay; host "" = the server's IP. */
  readonly relay: IpEndpoint | null;
}

/** `/aoo/client/group/join`: the server's reply to `/aoo/server/group/join`. */
export interface ClientGroupJoin {
  readonly kind: 'client/group/join';
  readonly token: number;
  readonly result: RequestResult<GroupJoinSuccess>;
}

const JOIN_ADDRESS = aooAddress(MsgType.Client, null, '/group/join');

export const clientGroupJoin: OscMessageCodec<ClientGroupJoin> = {
  kind: 'client/group/join',
  type: MsgType.Client,
  subAddress: '/group/join',
  decode(r) {
    const token = r.int();
    const code = r.int();
    if (code !== 0) return { kind: 'client/group/join', token, result: readRequestError(r, code) };
    const groupId = r.int();
    const groupFlags = r.int();
    const groupMetadata = readOptionalData(r);
    const userId = r.int();
    const userFlags = r.int();
    const userMetadata = readOptionalData(r);
    const privateMetadata = readOptionalData(r);
    const relay = readRelayHost(r);
    return {
      kind: 'client/group/join',
      token,
      result: { ok: true, groupId, groupFlags, groupMetadata, userId, userFlags, userMetadata, privateMetadata, relay },
    };
  },
  encode(w, buf, offset, m) {
    const res = m.result;
    if (!res.ok) return encodeRequestError(w, buf, offset, JOIN_ADDRESS, m.token, res);
    const tags = `iiii${optionalDataTags(res.groupMetadata)}ii${optionalDataTags(res.userMetadata)}${optionalDataTags(res.privateMetadata)}${optionalEndpointTags(res.relay)}`;
    w.begin(buf, offset, JOIN_ADDRESS, tags).int(m.token).int(0).int(res.groupId).int(res.groupFlags);
    writeOptionalData(w, res.groupMetadata);
    w.int(res.userId).int(res.userFlags);
    writeOptionalData(w, res.userMetadata);
    writeOptionalData(w, res.privateMetadata);
    writeOptionalEndpoint(w, res.relay);
    return w.end();
  },
};

/** `/aoo/client/group/leave`: the reply to `/aoo/server/group/leave`, `,ii` `token, 0` or the error form. */
export interface ClientGroupLeave {
  readonly kind: 'client/group/leave';
  readonly token: number;
  readonly result: RequestResult<object>;
}

const LEAVE_ADDRESS = aooAddress(MsgType.Client, null, '/group/leave');

export const clientGroupLeave: OscMessageCodec<ClientGroupLeave> = {
  kind: 'client/group/leave',
  type: MsgType.Client,
  subAddress: '/group/leave',
  decode(r) {
    const token = r.int();
    const code = r.int();
    return { kind: 'client/group/leave', token, result: code !== 0 ? readRequestError(r, code) : { ok: true } };
  },
  encode(w, buf, offset, m) {
    if (!m.result.ok) return encodeRequestError(w, buf, offset, LEAVE_ADDRESS, m.token, m.result);
    return w.begin(buf, offset, LEAVE_ADDRESS, 'ii').int(m.token).int(0).end();
  },
};

/** `/aoo/client/group/eject ,i` (spec §11.6): the server removed the client from a group. */
export interface ClientGroupEject {
  readonly kind: 'client/group/eject';
  readonly groupId: number;
}

export const clientGroupEject: OscMessageCodec<ClientGroupEject> = {
  kind: 'client/group/eject',
  type: MsgType.Client,
  subAddress: '/group/eject',
  decode(r) {
    return { kind: 'client/group/eject', groupId: r.int() };
  },
  encode(w, buf, offset, m) {
    return w.begin(buf, offset, aooAddress(MsgType.Client, null, '/group/eject'), 'i').int(m.groupId).end();
  },
};
