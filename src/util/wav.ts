import { readFileSync, writeFileSync } from 'node:fs';

/** Planar audio: one Float32Array per channel. */
export interface Audio {
  readonly sampleRate: number;
  readonly channels: Float32Array[];
}

/** Encodes a WAV file: 32-bit float (format 3) or 16-bit PCM. */
export function encodeWav(audio: Audio, format: 'float32' | 'int16' = 'float32'): Uint8Array {
  const nch = audio.channels.length;
  const frames = audio.channels[0]?.length ?? 0;
  const bytesPerSample = format === 'float32' ? 4 : 2;
  const dataSize = frames * nch * bytesPerSample;
  const buf = new Uint8Array(44 + dataSize);
  const v = new DataView(buf.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataSize, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, format === 'float32' ? 3 : 1, true);
  v.setUint16(22, nch, true);
  v.setUint32(24, audio.sampleRate, true);
  v.setUint32(28, audio.sampleRate * nch * bytesPerSample, true);
  v.setUint16(32, nch * bytesPerSample, true);
  v.setUint16(34, bytesPerSample * 8, true);
  ascii(36, 'data');
  v.setUint32(40, dataSize, true);
  let p = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++) {
      const x = audio.channels[c]![i]!;
      if (format === 'float32') v.setFloat32(p, x, true);
      else v.setInt16(p, Math.max(-32768, Math.min(32767, Math.round(x * 32768))), true);
      p += bytesPerSample;
    }
  }
  return buf;
}

export function writeWav(path: string, audio: Audio, format: 'float32' | 'int16' = 'float32'): void {
  writeFileSync(path, encodeWav(audio, format));
}

/** Decodes PCM 8/16/24/32-bit integer and 32/64-bit float WAV files; an error text otherwise. */
export function decodeWav(buf: Uint8Array): Audio | string {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (at: number) => String.fromCharCode(buf[at]!, buf[at + 1]!, buf[at + 2]!, buf[at + 3]!);
  if (buf.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return 'not a RIFF/WAVE file';
  let fmt: { format: number; nch: number; sr: number; bits: number } | undefined;
  let p = 12;
  while (p + 8 <= buf.length) {
    const id = tag(p);
    const size = v.getUint32(p + 4, true);
    const body = p + 8;
    if (body + size > buf.length && id !== 'data') return `chunk "${id}" runs past the end`;
    if (id === 'fmt ') {
      let format = v.getUint16(body, true);
      if (format === 0xfffe && size >= 26) format = v.getUint16(body + 24, true); // WAVE_FORMAT_EXTENSIBLE
      fmt = { format, nch: v.getUint16(body + 2, true), sr: v.getUint32(body + 4, true), bits: v.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (fmt === undefined) return 'data chunk before fmt chunk';
      return decodeSamples(v, body, Math.min(size, buf.length - body), fmt);
    }
    p = body + size + (size & 1);
  }
  return 'no data chunk';
}

function decodeSamples(v: DataView, at: number, size: number, f: { format: number; nch: number; sr: number; bits: number }): Audio | string {
  const bytes = f.bits / 8;
  if (f.nch < 1 || ![1, 3].includes(f.format) || ![8, 16, 24, 32, 64].includes(f.bits)) return `unsupported WAV format ${f.format}/${f.bits} bit`;
  const frames = Math.floor(size / (bytes * f.nch));
  const channels = Array.from({ length: f.nch }, () => new Float32Array(frames));
  let p = at;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < f.nch; c++) {
      let x: number;
      if (f.format === 3) x = f.bits === 32 ? v.getFloat32(p, true) : v.getFloat64(p, true);
      else if (f.bits === 8) x = (v.getUint8(p) - 128) / 128;
      else if (f.bits === 16) x = v.getInt16(p, true) / 32768;
      else if (f.bits === 24) x = ((v.getUint8(p) | (v.getUint8(p + 1) << 8) | (v.getInt8(p + 2) << 16)) / 8388608);
      else x = v.getInt32(p, true) / 2147483648;
      channels[c]![i] = x;
      p += bytes;
    }
  }
  return { sampleRate: f.sr, channels };
}

export function readWav(path: string): Audio {
  const r = decodeWav(readFileSync(path));
  if (typeof r === 'string') throw new Error(`${path}: ${r}`);
  return r;
}
