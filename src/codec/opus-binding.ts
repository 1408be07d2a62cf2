/**
 * The one place that knows how @evan/opus works inside. Its public `encode()` and `decode()`
 * copy every result into a new array: two allocations per channel and block, garbage that a
 * real-time process should not make. Where the package runs its prebuilt native addon (x64 and
 * arm64 Linux and macOS, x64 Windows), the addon's own methods return the byte count and leave
 * the result in one static buffer per direction, which is read here in place. Elsewhere (the
 * package's WASM build) the public methods run and their results are copied into the same
 * shared buffers, so callers see one interface.
 *
 * The shared buffers hold the result of the last call only: read them before the next one.
 */
import { createRequire } from 'node:module';
import { Decoder, Encoder } from '@evan/opus';

export { Decoder as LibOpusDecoder, Encoder as LibOpusEncoder } from '@evan/opus';

interface NativeAddon {
  readonly Encoder: abstract new (...args: never[]) => unknown;
  readonly Decoder: abstract new (...args: never[]) => unknown;
  readonly buffers: { encoder(): Uint8Array; decoder(): Uint8Array };
}

type RawEncode = (this: Encoder, pcm: Int16Array) => number;
type RawDecode = (this: Decoder, packet: Uint8Array) => number;

/** The addon the package itself loaded, or null if it runs its WASM build. */
function loadedAddon(): NativeAddon | null {
  try {
    // Cached: the package required this very module when it chose the addon.
    const addon = createRequire(import.meta.url)('@evan/opus/node/index.js') as NativeAddon;
    return Encoder.prototype instanceof addon.Encoder && Decoder.prototype instanceof addon.Decoder ? addon : null;
  } catch {
    return null;
  }
}

/** The addon's method under the package's allocating override of the same name. */
function rawMethod<T>(addonClass: NativeAddon['Encoder'], name: 'encode' | 'decode'): T {
  return (Object.getPrototypeOf(addonClass.prototype) as Record<string, T>)[name]!;
}

const addon = loadedAddon();

/** True where encode and decode allocate nothing (the native addon runs). */
export const opusZeroCopy = addon !== null;

/** The packet of the last `encodeInto`: bytes [0, n). */
export const encodedPacket: Uint8Array = addon?.buffers.encoder() ?? new Uint8Array(8192);

const decoderOutput = addon?.buffers.decoder() ?? new Uint8Array(32768);
/** The mono samples of the last `decodeInto`: [0, n). */
export const decodedSamples = new Int16Array(decoderOutput.buffer, decoderOutput.byteOffset, decoderOutput.byteLength >> 1);

const rawEncode: RawEncode = addon ? rawMethod(addon.Encoder, 'encode') : (function (this: Encoder, pcm: Int16Array) {
  const packet = this.encode(pcm);
  encodedPacket.set(packet);
  return packet.length;
} as RawEncode);

const rawDecode: RawDecode = addon ? rawMethod(addon.Decoder, 'decode') : (function (this: Decoder, packet: Uint8Array) {
  const bytes = this.decode(packet);
  decoderOutput.set(bytes);
  return bytes.length;
} as RawDecode);

/** Input views of these lengths are kept: every packet of a real stream fits (hostile padding may not). */
const KEPT_VIEW_BYTES = 4096;
const packetInputBuffer = new Uint8Array(KEPT_VIEW_BYTES);
const packetInputViews: Uint8Array[] = [];

/**
 * A buffer of exactly `length` bytes to put a packet in for `decodeInto` (the addon takes a
 * packet's length from its array). Shared, and the same array every time for one length.
 */
export function packetInput(length: number): Uint8Array {
  if (length > KEPT_VIEW_BYTES) return new Uint8Array(length);
  return (packetInputViews[length] ??= packetInputBuffer.subarray(0, length));
}

/** Encodes one frame of mono samples into `encodedPacket`; returns its length. Throws on a libopus error. */
export function encodeInto(encoder: Encoder, pcm: Int16Array): number {
  return rawEncode.call(encoder, pcm);
}

/** Decodes one mono packet into `decodedSamples`; returns the sample count. Throws on a libopus error. */
export function decodeInto(decoder: Decoder, packet: Uint8Array): number {
  return rawDecode.call(decoder, packet) >> 1;
}
