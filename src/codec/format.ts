/** Helpers shared by the codecs: the int32 extension blob and the common validation rules. */

/** The 4-byte big-endian int32 that PCM (bit depth) and Opus (application) send; undefined if short. */
export function readInt32Extension(extension: Uint8Array): number | undefined {
  if (extension.length < 4) return undefined;
  return (extension[0]! << 24) | (extension[1]! << 16) | (extension[2]! << 8) | extension[3]!;
}

export function int32Extension(value: number): Uint8Array {
  const blob = new Uint8Array(4);
  new DataView(blob.buffer).setInt32(0, value, false);
  return blob;
}

/** Spec §10.1 rules, also used by the null codec: blockSize ≤ 0 → 64, sr ≤ 0 → 44100, channels ∉ 1…255 → 1. */
export function validateCommon(format: { channels: number; sampleRate: number; blockSize: number }): {
  channels: number;
  sampleRate: number;
  blockSize: number;
} {
  const { channels, sampleRate, blockSize } = format;
  return {
    channels: Number.isInteger(channels) && channels >= 1 && channels <= 255 ? channels : 1,
    sampleRate: Number.isInteger(sampleRate) && sampleRate > 0 ? sampleRate : 44100,
    blockSize: Number.isInteger(blockSize) && blockSize > 0 ? blockSize : 64,
  };
}
