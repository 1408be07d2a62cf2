import { parseArgs } from 'node:util';
import { describeFormat } from '../codec/registry.ts';
import { DataType, dataTypeName } from '../protocol/aoo/constants.ts';
import { ntpToSeconds } from '../protocol/ntp.ts';
import type { SinkEvent } from '../stream/events.ts';
import { endpointName } from './endpoint-name.ts';
import { StatusDisplay, statusModeFor } from './status-display.ts';
import { receiveStatusLine } from './status-line.ts';
import { StreamClock, UsageError, errorText, isId, isPort, isPositive, isPositiveInt, onInterrupt, parseNumber, runCommand } from './stream-clock.ts';
import { StreamReceiver } from './stream-receiver.ts';
import { SourceStatusTracker, roundTripSeconds } from './stream-status.ts';
import { WavFileWriter } from './wav-file-writer.ts';

/** The JSON name of an event type: "StreamStart" → "stream_start". */
export function eventName(name: string): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? '_' : '') + c.toLowerCase());
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
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
      o.data = e.dataType === DataType.Text || e.dataType === DataType.Json || e.dataType === DataType.Fudi || e.dataType === DataType.Xml
        ? new TextDecoder().decode(e.data)
        : hex(e.data);
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

/** `aoo-node receive`: a sink on a UDP port; the audio goes to a WAV file, the events to stdout as JSON lines. */
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
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.port === undefined) throw new UsageError('give --port P');
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
    return receive({ port, host: values.host, id, out: values.out, seconds, latency: latency / 1000, channels, sampleRate, blockSize, dynamicResampling });
  });
}

interface ReceiveOptions {
  readonly port: number;
  readonly host: string | undefined;
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
  const status = new SourceStatusTracker();
  const receiver = await StreamReceiver.open({
    ...o,
    onEvent: (e, sample) => {
      status.apply(e);
      display.print(process.stdout, `${JSON.stringify(sinkEventJson(e, sample, o.sampleRate))}\n`);
    },
    report: log,
  });
  let wav: WavFileWriter;
  try {
    wav = new WavFileWriter(o.out, o.channels, o.sampleRate);
  } catch (e) {
    receiver.close();
    throw new Error(`cannot write ${o.out}: ${errorText(e)}`);
  }
  log(`sink ${o.id} listening on ${o.host ?? '*'} port ${receiver.port}, writing ${o.out}`);

  return new Promise((resolve) => {
    let finished = false;
    const finish = (failure?: string) => {
      if (finished) return;
      finished = true;
      clock.stop();
      clearTimeout(timer);
      offInterrupt();
      receiver.close();
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
    const timer = Number.isFinite(o.seconds) ? setTimeout(() => finish(), o.seconds * 1000) : undefined;
    const offInterrupt = onInterrupt(() => finish());
    display.start(() => receiveStatusLine(receiver.seconds, status.sources));
    clock.start();
  });
}
