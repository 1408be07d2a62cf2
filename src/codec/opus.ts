/**
 * Opus codec (spec §10.2). The reference uses the libopus multistream API with one mono
 * stream per channel; @evan/opus has no multistream, so we run one mono coder per channel
 * and do the multistream framing ourselves (see opus-packet.ts).
 */
import type { Codec } from './codec.ts';
import { OpusDecoder } from './opus-decoder.ts';
import { OpusEncoder } from './opus-encoder.ts';
import { validateOpus } from './opus-format.ts';

export { OpusApplication, opusApplicationOf, opusExtension } from './opus-format.ts';

export const opusCodec: Codec = {
  name: 'opus',
  validate: validateOpus,
  createEncoder: (format) => new OpusEncoder(validateOpus(format)),
  createDecoder: (format) => new OpusDecoder(validateOpus(format)),
};
