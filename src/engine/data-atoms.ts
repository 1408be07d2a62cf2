/**
 * Typed data (metadata, stream messages) as a patch writes it (wire spec §12): `<type> <values…>`.
 * For the array types every value is one element (big-endian on the wire, spec §2.6); for
 * the others every value is one byte. On output, array types show as `f <numbers…>`.
 */
import { DataType, STREAM_MESSAGE_MAX_SIZE, dataTypeFromName, dataTypeName } from '../protocol/aoo/constants.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import type { Atom } from './control-protocol.ts';

interface ArrayType {
  readonly size: number;
  /** False when `n` cannot be stored (integers out of range). */
  fits(n: number): boolean;
  get(v: DataView, at: number): number;
  set(v: DataView, at: number, n: number): void;
}

const anyNumber = (): boolean => true;
const intOf = (bits: number) => (n: number) => Number.isInteger(n) && n >= -(2 ** (bits - 1)) && n < 2 ** (bits - 1);

const ARRAY_TYPES: ReadonlyMap<number, ArrayType> = new Map<number, ArrayType>([
  [DataType.Float32, { size: 4, fits: anyNumber, get: (v, at) => v.getFloat32(at), set: (v, at, n) => v.setFloat32(at, n) }],
  [DataType.Float64, { size: 8, fits: anyNumber, get: (v, at) => v.getFloat64(at), set: (v, at, n) => v.setFloat64(at, n) }],
  [DataType.Int16, { size: 2, fits: intOf(16), get: (v, at) => v.getInt16(at), set: (v, at, n) => v.setInt16(at, n) }],
  [DataType.Int32, { size: 4, fits: intOf(32), get: (v, at) => v.getInt32(at), set: (v, at, n) => v.setInt32(at, n) }],
  [DataType.Int64, { size: 8, fits: Number.isSafeInteger, get: (v, at) => Number(v.getBigInt64(at)), set: (v, at, n) => v.setBigInt64(at, BigInt(n)) }],
]);

/** `f` is Pd's float, float32. */
function dataTypeOf(name: string): DataType | undefined {
  return name === 'f' ? DataType.Float32 : dataTypeFromName(name);
}

/** Reads `<type> <values…>` from `args[at…]`; an error text when the values do not fit the type. */
export function parseDataArgs(args: readonly Atom[], at: number): AooData | string {
  const name = args[at];
  if (typeof name !== 'string') return `needs a data type such as text or raw or float32 (got ${String(name)})`;
  const type = dataTypeOf(name);
  if (type === undefined) return `unknown data type "${name}"`;
  const values = args.slice(at + 1);
  const array = ARRAY_TYPES.get(type);
  const size = values.length * (array?.size ?? 1);
  if (size > STREAM_MESSAGE_MAX_SIZE) return `${size} bytes of data; at most ${STREAM_MESSAGE_MAX_SIZE}`;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v !== 'number') return `${name} data: "${v}" is not a number`;
    if (array === undefined) {
      if (!(Number.isInteger(v) && v >= 0 && v <= 255)) return `${name} data: ${v} is not a byte (0…255)`;
      bytes[i] = v;
    } else if (array.fits(v)) array.set(view, i * array.size, v);
    else return `${name} data: ${v} does not fit`;
  }
  return { type, bytes };
}

export function dataAtoms(data: AooData): Atom[] {
  const array = ARRAY_TYPES.get(data.type);
  if (array === undefined) return [dataTypeName(data.type), ...data.bytes];
  const view = new DataView(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  const atoms: Atom[] = ['f'];
  for (let at = 0; at + array.size <= data.bytes.length; at += array.size) atoms.push(array.get(view, at));
  return atoms;
}
