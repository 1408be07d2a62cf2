import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { StreamFormat } from '../codec/codec.ts';
import { PcmBitDepth, describeFormat } from '../codec/registry.ts';
import type { Endpoint } from '../stream/endpoint.ts';
import type { SourceEvent } from '../stream/events.ts';
import { type Audio, readWav } from '../util/wav.ts';
import { type AudioSignal, fileSignal, toneSignal } from './audio-signal.ts';
import { endpointName } from './endpoint-name.ts';
import { eventName } from './receive.ts';
import { StatusDisplay, statusModeFor } from './status-display.ts';
import { sendStatusLine } from './status-line.ts';
import { StreamClock, UsageError, errorText, isId, isPort, isPositive, isPositiveInt, onInterrupt, parseNumber, runCommand } from './stream-clock.ts';
import { parseCodec, streamFormat } from './stream-format.ts';
import { StreamSender } from './stream-sender.ts';
import { SinkStatusTracker } from './stream-status.ts';

const BITS: Record<string, PcmBitDepth> = {
  '8': PcmBitDepth.int8,
  '16': PcmBitDepth.int16,
  '24': PcmBitDepth.int24,
  '32': PcmBitDepth.float32,
  '64': PcmBitDepth.float64,
};

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
    const codec = parseCodec(values.codec);
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
        throw new UsageError(`cannot read --file: ${errorText(e)}`);
      }
    }
    const sampleRate = parseNumber(values.samplerate, 'samplerate', file?.sampleRate ?? 48000, (n) => isPositiveInt(n) && n <= 768000, 'a sample rate in Hz');
    if (file !== undefined && file.sampleRate !== sampleRate) {
      throw new UsageError(`${values.file} is ${file.sampleRate} Hz, not ${sampleRate} Hz (no resampling yet)`);
    }
    const tones = (values.tone ?? '440').split(',').map((t) => parseNumber(t, 'tone', 440, (n) => n >= 0 && n < sampleRate / 2, `frequencies below ${sampleRate / 2} Hz`));
    const channels = parseNumber(values.channels, 'channels', file?.channels.length ?? tones.length, (n) => isPositiveInt(n) && n <= 256, 'a whole number 1…256');
    const format = streamFormat(codec, channels, sampleRate, bits);
    const length = Math.round(seconds * sampleRate);
    const signal = file === undefined ? toneSignal(tones, sampleRate, length) : fileSignal(file, length);

    const host = await resolveHost(to.host);
    const messageSamples = messageEvery > 0 ? Math.max(1, Math.round(messageEvery * sampleRate)) : 0;
    return send({ sink: { address: host, port: to.port, id: to.id }, port, id, format, blockSize, signal, messageEvery: messageSamples });
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
  readonly signal: AudioSignal;
  /** Samples between stream messages; 0 = none. */
  readonly messageEvery: number;
}

function sourceEventJson(e: SourceEvent, time: number): Record<string, unknown> {
  const o: Record<string, unknown> = { event: eventName(e.type), sink: endpointName(e.endpoint), time: Number(time.toFixed(6)) };
  if (e.type === 'SinkPing') o.packet_loss = e.packetLoss;
  if (e.type === 'FrameResend') o.count = e.count;
  if (e.type === 'Invite' || e.type === 'Uninvite') o.token = e.token;
  return o;
}

async function send(o: SendOptions): Promise<number> {
  const display = new StatusDisplay(statusModeFor(process.stderr, 'off'), process.stderr);
  const log = (text: string) => display.print(process.stderr, `aoo-node send: ${text}\n`);
  const status = new SinkStatusTracker([o.sink]);
  const sender = await StreamSender.open({
    ...o,
    onEvent: (e, seconds) => {
      status.apply(e);
      display.print(process.stdout, `${JSON.stringify(sourceEventJson(e, seconds))}\n`);
    },
    report: log,
  });
  log(`source ${o.id} on port ${sender.port} → sink ${endpointName(o.sink)}, ${describeFormat(sender.source.format)}, process block ${o.blockSize}`);

  return new Promise((resolve) => {
    const clock = new StreamClock(
      o.format.sampleRate,
      o.blockSize,
      (_index, time) => {
        sender.processBlock(time);
        if (sender.state === 'stopped') void finish();
      },
      () => sender.flush(),
    );
    const finish = async () => {
      clock.stop();
      offInterrupt();
      display.stop();
      await sender.close();
      log(`sent ${sender.seconds.toFixed(3)} s${clock.skipped > 0 ? ` (${clock.skipped} blocks skipped: too slow)` : ''}`);
      resolve(0);
    };
    const offInterrupt = onInterrupt(() => sender.stop());
    display.start(() => sendStatusLine(sender.seconds, sender.state, sender.blocksSent, status.sinks));
    clock.start();
  });
}
