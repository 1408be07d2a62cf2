import { parseArgs } from 'node:util';
import { describeFormat } from '../codec/registry.ts';
import { UdpEndpoint } from '../net/udp-endpoint.ts';
import { dataTypeName } from '../protocol/aoo/constants.ts';
import { ntpToSeconds } from '../protocol/ntp.ts';
import type { SinkEvent } from '../stream/events.ts';
import { endpointName } from './endpoint-name.ts';
import { Room } from './room.ts';
import { dataJson, roomEventJson } from './room-events.ts';
import { ROOM_ARGS, type RoomOptions, parseRoomOptions } from './room-options.ts';
import { StatusDisplay, statusModeFor } from './status-display.ts';
import { receiveStatusLine } from './status-line.ts';
import { StreamClock, UsageError, errorText, isId, isPort, isPositive, isPositiveInt, onInterrupt, parseNumber, runCommand } from './stream-clock.ts';
import { StreamReceiver } from './stream-receiver.ts';
import { reportDrops } from './stream-sender.ts';
import { SourceStatusTracker, roundTripSeconds } from './stream-status.ts';
import { WavFileWriter } from './wav-file-writer.ts';

/** The JSON name of an event type: "StreamStart" → "stream_start". */
export function eventName(name: string): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? '_' : '') + c.toLowerCase());
}

/** The JSON line of a sink event; `sample` is the event's position in the output file. */
export function sinkEventJson(e: SinkEvent, sample: number, sampleRate: number): Record<string, unknown> {
  const o: Record<string, unknown> = { event: eventName(e.type), source: endpointName(e.endpoint), sample, time: Number((sample / sampleRate).toFixed(6)) };
  switch (e.type) {
    case 'FormatChange':
      o.format = describeFormat(e.format);
      break;
    case 'StreamStart':
      o.start_time = ntpToSeconds(e.startTime);
      if (e.metadata !== null) o.metadata = { type: dataTypeName(e.metadata.type), size: e.metadata.bytes.length };
      break;
    case 'StreamState':
      o.state = e.state;
      break;
    case 'StreamTime':
      o.source_time = ntpToSeconds(e.sourceTime);
      o.sink_time = ntpToSeconds(e.sinkTime);
      break;
    case 'StreamLatency':
      o.source_latency = e.sourceLatency;
      o.sink_latency = e.sinkLatency;
      o.buffer_latency = e.bufferLatency;
      break;
    case 'StreamMessage':
      o.channel = e.channel;
      o.type = dataTypeName(e.dataType);
      o.data = dataJson(e.dataType, e.data);
      break;
    case 'BlockDrop':
    case 'BlockResend':
    case 'BlockXRun':
      o.count = e.count;
      break;
    case 'SourcePing':
      o.rtt_ms = Number((roundTripSeconds(e.t1, e.t2, e.t3, e.t4) * 1000).toFixed(3));
      break;
    case 'Error':
      o.message = e.message;
      break;
    default:
      break;
  }
  return o;
}

/**
 * `aoo-node receive`: a sink on a UDP port, in a room or not; the audio goes to a WAV file, its
 * events and the room's to stdout as JSON lines.
 */
export function runReceive(args: string[]): Promise<number> {
  return runCommand('receive', async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        id: { type: 'string' },
        out: { type: 'string' },
        seconds: { type: 'string' },
        latency: { type: 'string' },
        channels: { type: 'string' },
        samplerate: { type: 'string' },
        blocksize: { type: 'string' },
        'dynamic-resampling': { type: 'string' },
        ...ROOM_ARGS,
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const room = parseRoomOptions(values);
    if (values.port === undefined && room === null) throw new UsageError('give --port P, or --server HOST:PORT --group NAME --user NAME');
    if (values.out === undefined) throw new UsageError('give --out FILE.wav');
    const port = parseNumber(values.port, 'port', 0, isPort, 'a port number (0…65535)');
    const id = parseNumber(values.id, 'id', 1, isId, 'a whole number >= 0');
    const seconds = parseNumber(values.seconds, 'seconds', Number.POSITIVE_INFINITY, isPositive, 'a positive number');
    const latency = parseNumber(values.latency, 'latency', 50, isPositive, 'a positive number of milliseconds');
    const channels = parseNumber(values.channels, 'channels', 2, (n) => isPositiveInt(n) && n <= 256, 'a whole number 1…256');
    const sampleRate = parseNumber(values.samplerate, 'samplerate', 48000, (n) => isPositiveInt(n) && n <= 768000, 'a sample rate in Hz');
    const blockSize = parseNumber(values.blocksize, 'blocksize', 64, (n) => isPositiveInt(n) && n <= 65536, 'a whole number of samples');
    const dynamic = values['dynamic-resampling'] ?? 'on';
    if (dynamic !== 'on' && dynamic !== 'off') throw new UsageError('--dynamic-resampling must be on or off');
    const dynamicResampling = dynamic === 'on';
    return receive({ port, host: values.host, room, id, out: values.out, seconds, latency: latency / 1000, channels, sampleRate, blockSize, dynamicResampling });
  });
}

interface ReceiveOptions {
  readonly port: number;
  readonly host: string | undefined;
  readonly room: RoomOptions | null;
  readonly id: number;
  readonly out: string;
  readonly seconds: number;
  readonly latency: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly dynamicResampling: boolean;
}

async function receive(o: ReceiveOptions): Promise<number> {
  const display = new StatusDisplay(statusModeFor(process.stderr, 'off'), process.stderr);
  const log = (text: string) => display.print(process.stderr, `aoo-node receive: ${text}\n`);
  const print = (json: Record<string, unknown>) => display.print(process.stdout, `${JSON.stringify(json)}\n`);
  const status = new SourceStatusTracker();
  const udp = await UdpEndpoint.open(o.port, o.host, reportDrops(log));
  const room = o.room === null ? null : new Room(udp, o.room, o.host);
  const onEvent = (e: SinkEvent, sample: number) => {
    status.apply(e);
    print({ ...sinkEventJson(e, sample, o.sampleRate), ...room?.peerAt(e.endpoint) });
  };
  const receiver = StreamReceiver.on(udp, { ...o, onEvent }, room?.streamOut);
  let wav: WavFileWriter;
  try {
    wav = new WavFileWriter(o.out, o.channels, o.sampleRate);
  } catch (e) {
    receiver.close();
    udp.close();
    throw new Error(`cannot write ${o.out}: ${errorText(e)}`);
  }

  return new Promise((resolve) => {
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (failure?: string) => {
      if (finished) return;
      finished = true;
      clock.stop();
      clearTimeout(timer);
      offInterrupt();
      receiver.close();
      room?.close();
      udp.close();
      display.stop();
      let problem = failure;
      try {
        wav.close();
      } catch (e) {
        problem ??= `cannot write ${o.out}: ${errorText(e)}`;
      }
      if (problem !== undefined) {
        log(problem);
        resolve(1);
        return;
      }
      const skipped = clock.skipped > 0 ? ` (${clock.skipped} blocks skipped: the process was too slow)` : '';
      log(`wrote ${(wav.frames / o.sampleRate).toFixed(3)} s to ${o.out}${skipped}`);
      resolve(0);
    };
    const clock = new StreamClock(
      o.sampleRate,
      o.blockSize,
      (_index, time) => {
        const block = receiver.processBlock(time);
        try {
          wav.write(block, o.blockSize);
        } catch (e) {
          finish(`cannot write ${o.out}: ${errorText(e)}`);
        }
      },
      () => receiver.flush(),
    );
    const start = () => {
      if (finished) return;
      const inRoom = room === null ? '' : ` in group "${room.group}" as "${room.user}" (server ${room.server})`;
      log(`sink ${o.id} listening on ${o.host ?? '*'} port ${receiver.port}${inRoom}, writing ${o.out}`);
      if (Number.isFinite(o.seconds)) timer = setTimeout(() => finish(), o.seconds * 1000);
      clock.start();
    };
    const offInterrupt = onInterrupt(() => finish());
    display.start(() => receiveStatusLine(receiver.seconds, status.sources));
    if (room === null) {
      start();
      return;
    }
    room.join((e) => {
      print(roomEventJson(e));
      const ended = room.endedBy(e);
      if (ended !== null) finish(ended);
    }).then(start, (e: unknown) => finish(errorText(e)));
  });
}
