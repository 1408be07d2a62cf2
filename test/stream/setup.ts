/** Common stream set-ups for the tests: PCM float32 at 48 kHz, block 64. */
import type { StreamFormat } from '../../src/codec/codec.ts';
import { PcmBitDepth, pcmExtension } from '../../src/codec/registry.ts';
import { Sink, type SinkOptions } from '../../src/stream/sink.ts';
import { Source, type SourceOptions } from '../../src/stream/source.ts';
import { seededRandom } from '../../src/util/random.ts';
import type { Endpoint } from '../../src/stream/endpoint.ts';

export const SR = 48000;
export const BS = 64;

export function pcmFormat(channels: number): StreamFormat {
  return { codec: 'pcm', channels, sampleRate: SR, blockSize: BS, extension: pcmExtension(PcmBitDepth.float32) };
}

export function sourceAt(id: number, port: number): Endpoint {
  return { address: '127.0.0.1', port, id };
}

export function makeSource(id: number, channels: number, seed: number, options: Partial<SourceOptions> = {}): Source {
  return new Source({ id, format: pcmFormat(channels), processBlockSize: BS, sampleRate: SR, random: seededRandom(seed), ...options });
}

/** Dynamic resampling is off unless asked for: with it, the output is resampled, not bit-identical. */
export function makeSink(id: number, channels: number, seed: number, options: Partial<SinkOptions> = {}): Sink {
  return new Sink({ id, channels, sampleRate: SR, blockSize: BS, random: seededRandom(seed), dynamicResampling: false, ...options });
}
