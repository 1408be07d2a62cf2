import type { StreamFormat } from '../codec/codec.ts';

/** Jitter-buffer sizes of spec §7.3. */
export interface BufferSizing {
  readonly latencyBlocks: number;
  readonly latencySamples: number;
  readonly capacity: number;
}

export function bufferSizing(format: StreamFormat, sinkBlockSize: number, sinkSampleRate: number, latency: number, bufferSize: number): BufferSizing {
  const convert = format.sampleRate / format.blockSize;
  const minLatencyBlocks = Math.ceil(sinkBlockSize / format.blockSize / (sinkSampleRate / format.sampleRate));
  const latencyBlocks = Math.max(Math.ceil(latency * convert), minLatencyBlocks);
  const latencySamples = Math.max(Math.round(latency * sinkSampleRate), Math.round((minLatencyBlocks / convert) * sinkSampleRate));
  const bufferSeconds = bufferSize > 0 ? Math.max(bufferSize, latency) : 2 * latency;
  return { latencyBlocks, latencySamples, capacity: Math.max(latencyBlocks, Math.ceil(bufferSeconds * convert)) };
}
