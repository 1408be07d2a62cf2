/**
 * Replies to requests (`/login`, `/group/join`, `/group/leave`, updates, `/request`) start with
 * `i token, i result`; result 0 is success, anything else is the error form `,iiis`
 * `token, code, systemCode, message` (spec §11.4–11.6).
 */
import type { OscError } from '../../osc/error.ts';
import type { OscReader } from '../../osc/reader.ts';
import type { OscWriter } from '../../osc/writer.ts';

/** A failed request. `code` is an `AooErrorCode` (never 0); `systemCode` and `message` are 0 and "" from the reference. */
export interface RequestError {
  readonly ok: false;
  readonly code: number;
  readonly systemCode: number;
  readonly message: string;
}

/** The outcome carried by a reply: the success fields, or the error. */
export type RequestResult<Success extends object> = ({ readonly ok: true } & Success) | RequestError;

/** Reads the error form's remaining arguments after the token and the non-zero `code`. */
export function readRequestError(r: OscReader, code: number): RequestError {
  return { ok: false, code, systemCode: r.int(), message: r.string() };
}

export function encodeRequestError(w: OscWriter, buf: Uint8Array, offset: number, address: string, token: number, e: RequestError): number | OscError {
  return w.begin(buf, offset, address, 'iiis').int(token).int(e.code).int(e.systemCode).string(e.message).end();
}
