import { MsgType } from '../constants.ts';
import { type AooData, optionalDataTags, readOptionalData, writeOptionalData } from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';
import { type RequestResult, encodeRequestError, readRequestError } from './reply.ts';

/** A successful login: `,iisii(ib|NN)` `token, 0, version, clientId, flags, metadata`. */
export interface LoginSuccess {
  readonly version: string;
  readonly clientId: number;
  /** Always 0 from the reference. */
  readonly flags: number;
  readonly metadata: AooData | null;
}

/** `/aoo/client/login` (spec §11.4): the server's reply to `/aoo/server/login`. */
export interface ClientLogin {
  readonly kind: 'client/login';
  readonly token: number;
  readonly result: RequestResult<LoginSuccess>;
}

const ADDRESS = aooAddress(MsgType.Client, null, '/login');

export const clientLogin: OscMessageCodec<ClientLogin> = {
  kind: 'client/login',
  type: MsgType.Client,
  subAddress: '/login',
  decode(r) {
    const token = r.int();
    const code = r.int();
    if (code !== 0) return { kind: 'client/login', token, result: readRequestError(r, code) };
    const version = r.string();
    const clientId = r.int();
    const flags = r.int();
    const metadata = readOptionalData(r);
    return { kind: 'client/login', token, result: { ok: true, version, clientId, flags, metadata } };
  },
  encode(w, buf, offset, m) {
    const res = m.result;
    if (!res.ok) return encodeRequestError(w, buf, offset, ADDRESS, m.token, res);
    w.begin(buf, offset, ADDRESS, `iisii${optionalDataTags(res.metadata)}`).int(m.token).int(0).string(res.version).int(res.clientId).int(res.flags);
    writeOptionalData(w, res.metadata);
    return w.end();
  },
};
