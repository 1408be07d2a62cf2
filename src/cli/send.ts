import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { StreamFormat } from '../codec/codec.ts';
import { OpusApplication, PcmBitDepth, describeFormat, opusExtension, pcmExtension } from '../codec/registry.ts';
import { formatAddress } from '../net/address.ts';
import { UdpEndpoint } from '../net/udp-endpoint.ts';
import { DataType, MsgType } from '../protocol/aoo/constants.ts';
import { decodeAoo } from '../protocol/aoo/messages.ts';
import type { Endpoint } from '../stream/endpoint.ts';
import type { SourceEvent } from '../stream/events.ts';
import { Source } from '../stream/source.ts';
import { type Audio, readWav } from '../util/wav.ts';
import { endpointName } from './receive.ts';
import { StreamClock, UsageError, isId, isPort, isPositive, isPositiveInt, ntpNow, parseNumber, runCommand } from './stream-clock.ts';

const BITS: Record<string, PcmBitDepth> = {
  '8': PcmBitDepth.int8,
  '16': PcmBitDepth.int16,
  '24': PcmBitDepth.int24,
  '32': PcmBitDepth.float32,
  '64': PcmBitDepth.float64,
};

/** Seconds the source keeps running after `stopStream()`, so `/stop` goes out. */
const STOP_GRACE = 0.2;

/** "HOST:PORT:ID", "[v6]:PORT:ID"; undefined when malformed. */
export function parseSinkAddress(text: string): { host: string; port: number; id: number } | undefined {
  // The port and the ID are always there, so an unbracketed IPv6 literal ("::1:9100:1") is unambiguous too.
  const m = /^\[([^\]]+)\]:(\d+):(\d+)$/.exec(text) ?? /^([^[\]]+):(\d+):(\d+)$/.exec(text);
  if (m === null || (m[1]!.includes(':') && isIP(m[1]!) !== 6)) return undefined;
  const port = Number(m[2]);
  const id = Number(m[3]);
  if (!(port > 0 && port < 65536) || !isId(id)) return undefined;
  return { host: m[1]!, port, id };
}

/** `aoo-node send`: a source streaming tones or a WAV file to one sink. */
export function runSend(args: string[]): Promise<number> {
  return runCommand('send', async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        to: { type: 'string' },
        port: { type: 'string' },
        id: { type: 'string' },
        tone: { type: 'string' },
        file: { type: 'string' },
        seconds: { type: 'string' },
        codec: { type: 'string' },
        bits: { type: 'string' },
        channels: { type: 'string' },
        samplerate: { type: 'string' },
        blocksize: { type: 'string' },
        'message-every': { type: 'string' },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.to === undefined) throw new UsageError('give --to HOST:PORT:ID (the sink)');
    const to = parseSinkAddress(values.to);
    if (to === undefined) throw new UsageError(`--to must be HOST:PORT:ID (e.g. 127.0.0.1:9100:1 or [::1]:9100:1), got "${values.to}"`);
    if (values.tone !== undefined && values.file !== undefined) throw new UsageError('give --tone or --file, not both');
    const port = parseNumber(values.port, 'port', 0, isPort, 'a port number (0…65535)');
    const id = parseNumber(values.id, 'id', 1, isId, 'a whole number >= 0');
    const seconds = parseNumber(values.seconds, 'seconds', Number.POSITIVE_INFINITY, isPositive, 'a positive number');
    const codec = values.codec ?? 'pcm';
    if (codec !== 'pcm' && codec !== 'opus') throw new UsageError(`--codec must be pcm or opus, got "${codec}"`);
    const bits = BITS[values.bits ?? '32'];
    if (bits === undefined) throw new UsageError(`--bits must be 8, 16, 24, 32 or 64, got "${values.bits}"`);
    if (codec === 'opus' && values.bits !== undefined) throw new UsageError('--bits applies to --codec pcm only');
    const messageEvery = parseNumber(values['message-every'], 'message-every', 0, isPositive, 'a positive number of seconds');
    const blockSize = parseNumber(values.blocksize, 'blocksize', 64, (n) => isPositiveInt(n) && n <= 65536, 'a whole number of samples');

    let file: Audio | undefined;
    if (values.file !== undefined) {
      try {
        file = readWav(values.file);
      } catch (e) {
        throw new UsageError(`cannot read --file: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const sampleRate = parseNumber(values.samplerate, 'samplerate', file?.sampleRate ?? 48000, (n) => isPositiveInt(n) && n <= 768000, 'a sample rate in Hz');
    if (file !== undefined && file.sampleRate !== sampleRate) {
      throw new UsageError(`${values.file} is ${file.sampleRate} Hz, not ${sampleRate} Hz (no resampling yet)`);
    }
    const tones = (values.tone ?? '440').split(',').map((t) => parseNumber(t, 'tone', 440, (n) => n >= 0 && n < sampleRate / 2, `frequencies below ${sampleRate / 2} Hz`));
    const channels = parseNumber(values.channels, 'channels', file?.channels.length ?? tones.length, (n) => isPositiveInt(n) && n <= 256, 'a whole number 1…256');
    if (codec === 'opus' && ![8000, 12000, 16000, 24000, 48000].includes(sampleRate)) {
      throw new UsageError(`opus needs a sample rate of 8000, 12000, 16000, 24000 or 48000 Hz, got ${sampleRate}`);
    }
    const format: StreamFormat =
      codec === 'pcm'
        ? { codec, channels, sampleRate, blockSize: 64, extension: pcmExtension(bits) }
        : { codec, channels, sampleRate, blockSize: (480 * sampleRate) / 48000, extension: opusExtension(OpusApplication.audio) };
    const duration = Math.min(seconds, file === undefined ? Number.POSITIVE_INFINITY : file.channels[0]!.length / sampleRate);

    const host = await resolveHost(to.host);
    return send({ sink: { address: host, port: to.port, id: to.id }, port, id, format, blockSize, tones, file, duration, messageEvery });
  });
}

async function resolveHost(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host)).address;
  } catch {
    throw new UsageError(`cannot resolve host "${host}"`);
  }
}

interface SendOptions {
  readonly sink: Endpoint;
  readonly port: number;
  readonly id: number;
  readonly format: StreamFormat;
  readonly blockSize: number;
  readonly tones: readonly number[];
  readonly file: Audio | undefined;
  readonly duration: number;
  readonly messageEvery: number;
}

function sourceEventJson(e: SourceEvent, time: number): Record<string, unknown> {
  const o: Record<string, unknown> = { event: e.type.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? '_' : '') + c.toLowerCase()), sink: endpointName(e.endpoint), time: Number(time.toFixed(6)) };
  if (e.type === 'SinkPing') o.packet_loss = e.packetLoss;
  if (e.type === 'FrameResend') o.count = e.count;
  if (e.type === 'Invite' || e.type === 'Uninvite') o.token = e.token;
  return o;
}

async function send(o: SendOptions): Promise<number> {
  const { format, blockSize } = o;
  const { sampleRate, channels } = format;
  const source = new Source({ id: o.id, format, processBlockSize: blockSize, sampleRate, random: Math.random });
  const udp = await UdpEndpoint.open(o.port, undefined, (reason, detail) => process.stderr.write(`aoo-node send: dropped ${reason} packet (${detail})\n`));
  // `bytes` is a reused buffer and dgram sends asynchronously: send a copy.
  const out = (bytes: Uint8Array, to: { address: string; port: number }) => udp.send(bytes, to);
  const flushEvents = (time: number) => {
    for (const e of source.pollEvents()) {
      if (e.type === 'Invite') source.handleInvite(e.endpoint, e.token, true);
      if (e.type === 'Uninvite') source.handleUninvite(e.endpoint, e.token, true);
      process.stdout.write(`${JSON.stringify(sourceEventJson(e, time))}\n`);
    }
  };
  udp.attach(MsgType.Source, o.id, (bytes, from) => {
    const r = decodeAoo(bytes);
    if (!r.ok) return;
    source.handleMessage(r.value, from, ntpNow());
  });
  source.addSink(o.sink, true);
  source.startStream();

  const block = new Float32Array(channels * blockSize);
  const totalSamples = Number.isFinite(o.duration) ? Math.round(o.duration * sampleRate) : Number.POSITIVE_INFINITY;
  const messageSamples = o.messageEvery > 0 ? Math.max(1, Math.round(o.messageEvery * sampleRate)) : 0;
  const encoder = new TextEncoder();
  let position = 0;
  let messages = 0;
  let stopAt = Number.POSITIVE_INFINITY;

  const fill = (start: number) => {
    const n = Math.max(0, Math.min(blockSize, totalSamples - start));
    block.fill(0);
    for (let ch = 0; ch < channels; ch++) {
      const dst = block.subarray(ch * blockSize, ch * blockSize + n);
      if (o.file !== undefined) {
        const src = o.file.channels[ch % o.file.channels.length]!;
        dst.set(src.subarray(start, start + n));
      } else {
        const w = (2 * Math.PI * o.tones[ch % o.tones.length]!) / sampleRate;
        for (let i = 0; i < n; i++) dst[i] = 0.5 * Math.sin(w * (start + i));
      }
    }
  };

  process.stderr.write(
    `aoo-node send: source ${o.id} on port ${udp.port} → sink ${formatAddress(o.sink)}|${o.sink.id}, ${describeFormat(source.format)}, process block ${blockSize}\n`,
  );

  return new Promise((resolve) => {
    let stopping = false;
    const clock = new StreamClock(
      sampleRate,
      blockSize,
      (index, time) => {
        if (!stopping && position >= totalSamples) stop();
        if (stopping) {
          source.process(block.fill(0), time);
          if (index * blockSize >= stopAt) finish();
          return;
        }
        if (messageSamples > 0) {
          // Messages at messageSamples, 2·messageSamples, … ("hello 1", "hello 2", …).
          for (;;) {
            const at = (messages + 1) * messageSamples;
            if (at >= position + blockSize || at >= totalSamples) break;
            messages++;
            source.addStreamMessage({ channel: 0, type: DataType.Text, data: encoder.encode(`hello ${messages}`), sampleOffset: at - position });
          }
        }
        fill(position);
        source.process(block, time);
        position += blockSize;
      },
      () => {
        source.send(out);
        flushEvents(position / sampleRate);
      },
    );
    const stop = () => {
      if (stopping) return;
      stopping = true;
      source.stopStream();
      stopAt = clock.blocks * blockSize + Math.ceil(STOP_GRACE * sampleRate);
    };
    const finish = () => {
      clock.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      source.send(out);
      // Let the last datagrams leave the socket before closing it.
      setTimeout(() => {
        udp.close();
        process.stderr.write(`aoo-node send: sent ${(position / sampleRate).toFixed(3)} s${clock.skipped > 0 ? ` (${clock.skipped} blocks skipped: too slow)` : ''}\n`);
        resolve(0);
      }, 20);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    clock.start();
  });
}
