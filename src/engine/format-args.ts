/**
 * Stream formats as `[aoo.send~]`'s `format` method writes them (wire spec §12.1):
 * `pcm [nch] [bs] [sr] [bytes 1|2|3|4|8]`, `opus [nch] [bs=480] [sr=48000] [audio|voip|lowdelay]`,
 * `null [nch=1] [bs=64] [sr]`; `_` keeps an argument's default.
 */
import type { StreamFormat } from '../codec/codec.ts';
import { OpusApplication, PcmBitDepth, codecByName, opusExtension, pcmExtension } from '../codec/registry.ts';
import { opusApplicationOf } from '../codec/opus-format.ts';
import { pcmBitDepthOf } from '../codec/pcm.ts';
import type { Atom } from './control-protocol.ts';

/** The host side: channels are clamped to its inlets; the sample rate is its rate unless given. */
export interface HostAudio {
  readonly channels: number;
  readonly sampleRate: number;
}

const PCM_BYTES: Readonly<Record<number, PcmBitDepth>> = { 1: PcmBitDepth.int8, 2: PcmBitDepth.int16, 3: PcmBitDepth.int24, 4: PcmBitDepth.float32, 8: PcmBitDepth.float64 };
const PCM_BYTES_OF_DEPTH = [1, 2, 3, 4, 8] as const;
const OPUS_APPLICATIONS: Readonly<Record<string, OpusApplication>> = { audio: OpusApplication.audio, voip: OpusApplication.voip, lowdelay: OpusApplication.lowdelay };

/** The default format of a send~: `pcm <channels> <host rate> 64 float32`. */
export function defaultFormat(host: HostAudio): StreamFormat {
  return { codec: 'pcm', channels: host.channels, sampleRate: host.sampleRate, blockSize: 64, extension: pcmExtension(PcmBitDepth.float32) };
}

function positiveInt(a: Atom | undefined, fallback: number, name: string): number | string {
  if (a === undefined || a === '_') return fallback;
  return typeof a === 'number' && Number.isInteger(a) && a > 0 ? a : `bad ${name} ${a}`;
}

/** Parses `format …`; an error text when an argument is bad. */
export function parseFormatArgs(args: readonly Atom[], host: HostAudio): StreamFormat | string {
  const [codec, nch, bs, sr, extra] = args;
  if (codec !== 'pcm' && codec !== 'opus' && codec !== 'null') return `unknown codec ${String(codec)} (pcm or opus or null)`;
  if (args.length > 5) return 'too many arguments';
  const channels = positiveInt(nch, codec === 'null' ? 1 : host.channels, 'channel count');
  const blockSize = positiveInt(bs, codec === 'opus' ? 480 : 64, 'block size');
  const sampleRate = positiveInt(sr, codec === 'opus' ? 48000 : host.sampleRate, 'sample rate');
  for (const v of [channels, blockSize, sampleRate]) if (typeof v === 'string') return v;
  let extension: Uint8Array = new Uint8Array(0);
  if (codec === 'pcm') {
    const depth = extra === undefined || extra === '_' ? PcmBitDepth.float32 : typeof extra === 'number' ? PCM_BYTES[extra] : undefined;
    if (depth === undefined) return `bad sample size ${String(extra)} (bytes: 1 2 3 4 or 8)`;
    extension = pcmExtension(depth);
  } else if (codec === 'opus') {
    const application = extra === undefined || extra === '_' ? OpusApplication.audio : typeof extra === 'string' ? OPUS_APPLICATIONS[extra] : undefined;
    if (application === undefined) return `bad opus application ${String(extra)} (audio or voip or lowdelay)`;
    extension = opusExtension(application);
  } else if (extra !== undefined) return 'too many arguments';
  const format = codecByName(codec)!.validate({
    codec,
    channels: Math.min(channels as number, host.channels),
    blockSize: blockSize as number,
    sampleRate: sampleRate as number,
    extension,
  });
  if (format.sampleRate !== host.sampleRate) {
    return `stream sample rate ${format.sampleRate} Hz ≠ the host's ${host.sampleRate} Hz (resampling is not supported yet)`;
  }
  return format;
}

/** `<codec> <nch> <bs> <sr> [<bytes> | <opus application>]`, as the `format` event shows it. */
export function formatAtoms(format: StreamFormat): Atom[] {
  const atoms: Atom[] = [format.codec, format.channels, format.blockSize, format.sampleRate];
  if (format.codec === 'pcm') atoms.push(PCM_BYTES_OF_DEPTH[pcmBitDepthOf(format.extension)]);
  if (format.codec === 'opus') {
    const application = opusApplicationOf(format.extension);
    atoms.push(Object.keys(OPUS_APPLICATIONS).find((k) => OPUS_APPLICATIONS[k] === application)!);
  }
  return atoms;
}
