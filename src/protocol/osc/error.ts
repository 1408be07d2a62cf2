/** Why an OSC packet could not be read or written. `offset` is the byte position of the fault. */
export type OscErrorKind =
  | 'truncated' // the packet ends inside a field
  | 'not-a-message' // does not start with '/' (bundles are not accepted)
  | 'bad-string' // no NUL terminator, or bad padding
  | 'bad-utf8'
  | 'bad-typetag' // type-tag string missing its ',' or holds an unknown tag
  | 'bad-size' // negative or impossible blob size, or a size that is not a multiple of 4
  | 'type-mismatch' // the argument has another type than the reader asked for
  | 'missing-argument'
  | 'extra-arguments'
  | 'overflow'; // the output buffer is too small

export interface OscError {
  readonly kind: OscErrorKind;
  readonly offset: number;
  readonly detail: string;
}

export function oscError(kind: OscErrorKind, offset: number, detail: string): OscError {
  return { kind, offset, detail };
}

export function describeOscError(e: OscError): string {
  return `${e.kind} at byte ${e.offset}: ${e.detail}`;
}
