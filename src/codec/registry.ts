/** Codec lookup by the name `/start` carries, and human-readable formats. */
import type { Codec, StreamFormat } from './codec.ts';
import { nullCodec } from './null.ts';
import { opusCodec } from './opus.ts';
import { opusApplicationName, opusApplicationOf } from './opus-format.ts';
import { pcmBitDepthName, pcmBitDepthOf, pcmCodec } from './pcm.ts';

export { OpusApplication, opusExtension } from './opus-format.ts';
export { PcmBitDepth, pcmExtension } from './pcm.ts';

const CODECS: ReadonlyMap<string, Codec> = new Map([
  [pcmCodec.name, pcmCodec],
  [opusCodec.name, opusCodec],
  [nullCodec.name, nullCodec],
]);

export function codecByName(name: string): Codec | undefined {
  return CODECS.get(name);
}

export function codecNames(): string[] {
  return [...CODECS.keys()];
}

/** E.g. "pcm 2ch 48000Hz 64 float32", "opus 2ch 48000Hz 480 audio", "null 1ch 44100Hz 64". */
export function describeFormat(format: StreamFormat): string {
  const base = `${format.codec} ${format.channels}ch ${format.sampleRate}Hz ${format.blockSize}`;
  switch (format.codec) {
    case 'pcm':
      return `${base} ${pcmBitDepthName(pcmBitDepthOf(format.extension))}`;
    case 'opus':
      return `${base} ${opusApplicationName(opusApplicationOf(format.extension))}`;
    default:
      return format.extension.length > 0 ? `${base} (${format.extension.length}-byte extension)` : base;
  }
}
