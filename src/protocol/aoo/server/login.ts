import { MsgType } from '../constants.ts';
import {
  type AooData,
  type IpEndpoint,
  endpointListTags,
  optionalDataTags,
  readEndpointList,
  readOptionalData,
  writeEndpointList,
  writeOptionalData,
} from '../data.ts';
import { type OscMessageCodec, aooAddress } from '../message-codec.ts';

/** `/aoo/server/login` (spec §11.4): the client's first TCP message. */
export interface ServerLogin {
  readonly kind: 'server/login';
  readonly token: number;
  readonly version: string;
  /** MD5 of the password as 32 uppercase hex characters, or "" for none. */
  readonly password: string;
  readonly metadata: AooData | null;
  /** The client's UDP addresses (local IPv4, global IPv6, public, user-added), unmapped. */
  readonly addresses: readonly IpEndpoint[];
}

export const serverLogin: OscMessageCodec<ServerLogin> = {
  kind: 'server/login',
  type: MsgType.Server,
  subAddress: '/login',
  decode(r) {
    const token = r.int();
    const version = r.string();
    const password = r.string();
    const metadata = readOptionalData(r);
    const addresses = readEndpointList(r);
    return { kind: 'server/login', token, version, password, metadata, addresses };
  },
  encode(w, buf, offset, m) {
    const tags = `iss${optionalDataTags(m.metadata)}${endpointListTags(m.addresses)}`;
    w.begin(buf, offset, aooAddress(MsgType.Server, null, '/login'), tags).int(m.token).string(m.version).string(m.password);
    writeOptionalData(w, m.metadata);
    writeEndpointList(w, m.addresses);
    return w.end();
  },
};
