import type { OscReader } from '../osc/reader.ts';
import type { OscWriter } from '../osc/writer.ts';

/** `AooData`: typed bytes used for metadata, stream messages, peer messages (spec §2.6). */
export interface AooData {
  readonly type: number;
  readonly bytes: Uint8Array;
}

/** An IP endpoint as OSC carries it: numeric address string and port (spec §2.3). */
export interface IpEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Tags of an optional metadata pair: `ib` present, `NN` absent. */
export function optionalDataTags(d: AooData | null): string {
  return d === null ? 'NN' : 'ib';
}

export function readOptionalData(r: OscReader): AooData | null {
  if (r.nil()) {
    if (!r.nil()) r.reject('type-mismatch', 'metadata: "N" must be followed by "N"');
    return null;
  }
  const type = r.int();
  const bytes = r.blob();
  if (r.error === null && bytes.length === 0) r.reject('bad-size', 'metadata content must not be empty');
  return { type, bytes };
}

export function writeOptionalData(w: OscWriter, d: AooData | null): void {
  if (d === null) w.nil().nil();
  else w.int(d.type).blob(d.bytes);
}

export function optionalEndpointTags(e: IpEndpoint | null): string {
  return e === null ? 'NN' : 'si';
}

export function readOptionalEndpoint(r: OscReader): IpEndpoint | null {
  if (r.nil()) {
    if (!r.nil()) r.reject('type-mismatch', 'endpoint: "N" must be followed by "N"');
    return null;
  }
  return readEndpoint(r);
}

export function readEndpoint(r: OscReader): IpEndpoint {
  const host = r.string();
  const port = r.int();
  return { host, port };
}

export function writeOptionalEndpoint(w: OscWriter, e: IpEndpoint | null): void {
  if (e === null) w.nil().nil();
  else w.string(e.host).int(e.port);
}

/** Reads `count` (s i) endpoints; the count itself must be sane for the message size. */
export function readEndpointList(r: OscReader): IpEndpoint[] {
  const count = r.int();
  if (count < 0 || count > r.remaining / 2) {
    r.reject('bad-size', `address count ${count} does not match the arguments`);
    return [];
  }
  const list: IpEndpoint[] = [];
  for (let i = 0; i < count && r.error === null; i++) list.push(readEndpoint(r));
  return list;
}

export function endpointListTags(list: readonly IpEndpoint[]): string {
  return 'i' + 'si'.repeat(list.length);
}

export function writeEndpointList(w: OscWriter, list: readonly IpEndpoint[]): void {
  w.int(list.length);
  for (const e of list) w.string(e.host).int(e.port);
}
