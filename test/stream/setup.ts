/** Common stream set-ups for the tests: PCM float32 at 48 kHz, block 64. */
import type { StreamFormat } from '../../src/codec/codec.ts';
import { PcmBitDepth, pcmExtension } from '../../src/codec/registry.ts';
import { Sink, type SinkOptions } from '../../src/stream/sink.ts';
import { Source, type SourceOptions } from '../../src/stream/source.ts';
import { seededRandom } from '../../src/util/random.ts';
import type { Endpoint } from '../../src/stream/endpoint.ts';
import { type Link, Session, fillNoise } from './harness.ts';

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

export const SOURCE_ENDPOINT = sourceAt(1, 9001);
export const SINK_ENDPOINT = sourceAt(2, 9000);

export interface NoiseStreamOptions {
  readonly channels?: number;
  readonly seed?: number;
  readonly source?: Partial<SourceOptions>;
  readonly sink?: Partial<SinkOptions>;
}

/** SOURCE_ENDPOINT streams seeded noise to SINK_ENDPOINT over `link` (started); room for `seconds` of recording. */
export function noiseStream(link: Link, seconds: number, options: NoiseStreamOptions = {}): { session: Session; source: Source; sink: Sink } {
  const channels = options.channels ?? 1;
  const seed = options.seed ?? 1;
  const session = new Session(link, BS, SR, Math.ceil((seconds * SR) / BS) + 1);
  const source = makeSource(SOURCE_ENDPOINT.id, channels, seed, options.source);
  const sink = makeSink(SINK_ENDPOINT.id, channels, seed + 1, options.sink);
  const noise = seededRandom(seed + 2);
  session.addSource(source, SOURCE_ENDPOINT, (b) => fillNoise(b, noise));
  session.addSink(sink, SINK_ENDPOINT, channels);
  source.addSink(SINK_ENDPOINT);
  source.startStream();
  return { session, source, sink };
}
