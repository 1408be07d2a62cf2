import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { StreamFormat } from '../codec/codec.ts';
import { PcmBitDepth, describeFormat } from '../codec/registry.ts';
import { UdpEndpoint } from '../net/udp-endpoint.ts';
import type { Endpoint } from '../stream/endpoint.ts';
import type { SourceEvent } from '../stream/events.ts';
import { type Audio, readWav } from '../util/wav.ts';
import { type AudioSignal, fileSignal, toneSignal } from './audio-signal.ts';
import { endpointName } from './endpoint-name.ts';
import { eventName } from './receive.ts';
import { Room, type RoomEvent } from './room.ts';
import { roomEventText } from './room-events.ts';
import { ROOM_ARGS, type RoomOptions, parseRoomOptions } from './room-options.ts';
import { type PeerSink, PeerTarget, parsePeerSink } from './room-target.ts';
import { StatusDisplay, statusModeFor } from './status-display.ts';
import { sendStatusLine } from './status-line.ts';
import { StreamClock, UsageError, errorText, isId, isPort, isPositive, isPositiveInt, onInterrupt, parseNumber, runCommand } from './stream-clock.ts';
import { parseCodec, streamFormat } from './stream-format.ts';
import { StreamSender, reportDrops } from './stream-sender.ts';
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

/** Where `send` streams: a sink at an address (in a room or not), or the sink of a user in the room. */
type Destination =
  | { readonly kind: 'address'; readonly sink: Endpoint; readonly room: RoomOptions | null }
  | { readonly kind: 'peer'; readonly peer: PeerSink; readonly room: RoomOptions };

async function parseDestination(to: string | undefined, toPeer: string | undefined, room: RoomOptions | null): Promise<Destination> {
  if (to !== undefined && toPeer !== undefined) throw new UsageError('give --to or --to-peer, not both');
  if (toPeer !== undefined) {
    if (room === null) throw new UsageError('--to-peer needs --server HOST:PORT, --group NAME and --user NAME');
    const peer = parsePeerSink(toPeer);
    if (peer === undefined) throw new UsageError(`--to-peer must be USER or USER:ID (e.g. bob or bob:2), got "${toPeer}"`);
    if (peer.user === room.join.user) throw new UsageError(`--to-peer names this user ("${peer.user}") itself`);
    return { kind: 'peer', peer, room };
  }
  if (to === undefined) throw new UsageError('give --to HOST:PORT:ID (the sink), or --to-peer USER[:ID] with --server');
  const sink = parseSinkAddress(to);
  if (sink === undefined) throw new UsageError(`--to must be HOST:PORT:ID (e.g. 127.0.0.1:9100:1 or [::1]:9100:1), got "${to}"`);
  return { kind: 'address', sink: { address: await resolveHost(sink.host), port: sink.port, id: sink.id }, room };
}

/** `aoo-node send`: a source streaming tones or a WAV file to one sink, given by address or (in a room) by user name. */
export function runSend(args: string[]): Promise<number> {
  return runCommand('send', async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        to: { type: 'string' },
        'to-peer': { type: 'string' },
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
        ...ROOM_ARGS,
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const room = parseRoomOptions(values);
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

    const to = await parseDestination(values.to, values['to-peer'], room);
    const messageSamples = messageEvery > 0 ? Math.max(1, Math.round(messageEvery * sampleRate)) : 0;
    return send({ to, port, id, format, blockSize, signal, messageEvery: messageSamples });
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
  readonly to: Destination;
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
  const { to } = o;
  const status = new SinkStatusTracker(to.kind === 'address' ? [to.sink] : []);
  const udp = await UdpEndpoint.open(o.port, undefined, reportDrops(log));
  const room = to.room === null ? null : new Room(udp, to.room, undefined);
  const target = to.kind === 'peer' ? new PeerTarget(to.room.join.group, to.peer) : null;
  const onEvent = (e: SourceEvent, seconds: number) => {
    status.apply(e);
    display.print(process.stdout, `${JSON.stringify({ ...sourceEventJson(e, seconds), ...room?.peerAt(e.endpoint) })}\n`);
  };
  const sender = StreamSender.on(udp, { ...o, sink: to.kind === 'address' ? to.sink : undefined, onEvent }, room?.streamOut);
  const destination = to.kind === 'address' ? `sink ${endpointName(to.sink)}` : `sink ${to.peer.id} of user "${to.peer.user}"`;
  log(`source ${o.id} on port ${sender.port} → ${destination}, ${describeFormat(sender.source.format)}, process block ${o.blockSize}`);

  return new Promise((resolve) => {
    let finished = false;
    const clock = new StreamClock(
      o.format.sampleRate,
      o.blockSize,
      (_index, time) => {
        sender.processBlock(time);
        if (sender.state === 'stopped') void finish();
      },
      () => sender.flush(),
    );
    let started = false;
    const start = () => {
      if (started || finished) return;
      started = true;
      clock.start();
    };
    const finish = async (failure?: string) => {
      if (finished) return;
      finished = true;
      clock.stop();
      offInterrupt();
      display.stop();
      await sender.close();
      room?.close();
      udp.close();
      if (failure !== undefined) {
        log(failure);
        resolve(1);
        return;
      }
      log(`sent ${sender.seconds.toFixed(3)} s${clock.skipped > 0 ? ` (${clock.skipped} blocks skipped: too slow)` : ''}`);
      resolve(0);
    };
    // Before the stream started, there is no /stop to send.
    const offInterrupt = onInterrupt(() => (started ? sender.stop() : void finish()));
    display.start(() => sendStatusLine(sender.seconds, sender.state, sender.blocksSent, status.sinks));
    if (room === null) {
      start();
      return;
    }
    const onRoomEvent = (e: RoomEvent) => {
      log(roomEventText(e));
      const ended = room.endedBy(e);
      if (ended !== null) {
        void finish(ended);
        return;
      }
      for (const change of target?.handle(e) ?? []) {
        log(`${change.kind === 'add' ? 'streaming to' : 'stopped streaming to'} sink ${endpointName(change.sink)}`);
        if (change.kind === 'remove') {
          sender.removeSink(change.sink);
          continue;
        }
        sender.addSink(change.sink);
        start();
      }
    };
    room.join(onRoomEvent).then(
      () => {
        log(`joined group "${room.group}" as "${room.user}"${target === null ? '' : `; waiting for "${target.peer.user}"`}`);
        if (target === null) start();
      },
      (e: unknown) => void finish(errorText(e)),
    );
  });
}
