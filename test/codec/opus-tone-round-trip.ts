/** A stereo tone through the Opus encoder and decoder; shared by the binding test and its WASM child process. */
import { opusCodec, OpusApplication, opusExtension } from '../../src/codec/opus.ts';
import { fitSine, sineBlock } from '../support/signal.ts';

export interface ToneRoundTrip {
  /** Of the left channel (440 Hz, sent at amplitude 0.5), after the first 100 ms. */
  readonly amplitude: number;
  readonly snrDb: number;
  /** Blocks that failed to encode or decode, and concealed blocks that came out silent or not finite. */
  readonly failures: number;
}

/** One second of 440/660 Hz in 480-frame blocks, every fifth block concealed instead of decoded; fitted over 40 ms. */
export function toneRoundTrip(): ToneRoundTrip {
  const format = { codec: 'opus', channels: 2, sampleRate: 48000, blockSize: 480, extension: opusExtension(OpusApplication.audio) };
  const encoder = opusCodec.createEncoder(format);
  const decoder = opusCodec.createDecoder(format);
  const payload = new Uint8Array(encoder.maxBlockBytes);
  const block = new Float32Array(2 * 480);
  const left: number[] = [];
  let failures = 0;
  for (let k = 0; k < 100; k++) {
    const n = encoder.encode(sineBlock([440, 660], 0.5, 48000, 480, k * 480), payload, 0);
    if (k % 5 === 4) {
      decoder.conceal(block);
      if (!block.every(Number.isFinite) || block.every((v) => v === 0)) failures++;
    } else if (n < 0 || !decoder.decode(payload, 0, n, block)) failures++;
    if (k >= 10 && k < 14) left.push(...block.subarray(0, 480));
  }
  const { amplitude, snrDb } = fitSine(left, 440, 48000);
  return { amplitude, snrDb, failures };
}
