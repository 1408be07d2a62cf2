import { parseArgs } from 'node:util';
import { describeFormat } from '../codec/registry.ts';
import { formatAddress } from '../net/address.ts';
import { UdpEndpoint } from '../net/udp-endpoint.ts';
import { DataType, MsgType, dataTypeName } from '../protocol/aoo/constants.ts';
import { decodeAoo } from '../protocol/aoo/messages.ts';
import { ntpToSeconds } from '../protocol/ntp.ts';
import type { Endpoint } from '../stream/endpoint.ts';
import type { SinkEvent } from '../stream/events.ts';
import { Sink } from '../stream/sink.ts';
import { writeWav } from '../util/wav.ts';
import { StreamClock, UsageError, isId, isPort, isPositive, isPositiveInt, ntpNow, parseNumber, runCommand } from './stream-clock.ts';

/** "127.0.0.1:9101|1", "[::1]:9101|1". */
export function endpointName(ep: Endpoint): string {
  return `${formatAddress(ep)}|${ep.id}`;
}

/** "StreamStart" → "stream_start". */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? '_' : '') + c.toLowerCase());
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The JSON line of a sink event; `sample` is the event's position in the output file. */
export function sinkEventJson(e: SinkEvent, sample: number, sampleRate: number): Record<string, unknown> {
  const o: Record<string, unknown> = { event: snake(e.type), source: endpointName(e.endpoint), sample, time: Number((sample / sampleRate).toFixed(6)) };
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
      o.rtt_ms = Number((((ntpToSeconds(e.t4) - ntpToSeconds(e.t1)) - (ntpToSeconds(e.t3) - ntpToSeconds(e.t2))) * 1000).toFixed(3));
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
    return receive({ port, host: values.host, id, out: values.out, seconds, latency: latency / 1000, channels, sampleRate, blockSize });
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
}

async function receive(o: ReceiveOptions): Promise<number> {
  const udp = await UdpEndpoint.open(o.port, o.host, (reason, detail) => process.stderr.write(`aoo-node receive: dropped ${reason} packet (${detail})\n`));
  const sink = new Sink({ id: o.id, channels: o.channels, sampleRate: o.sampleRate, blockSize: o.blockSize, random: Math.random, latency: o.latency });
  const chunks: Float32Array[] = [];
  const block = new Float32Array(o.channels * o.blockSize);
  let position = 0;
  // `bytes` is a reused buffer and dgram sends asynchronously: send a copy.
  const out = (bytes: Uint8Array, to: { address: string; port: number }) => udp.send(bytes, to);
  const flushEvents = (at: number, sampleOffsets: boolean) => {
    for (const e of sink.pollEvents()) {
      const offset = sampleOffsets && 'sampleOffset' in e ? e.sampleOffset : 0;
      process.stdout.write(`${JSON.stringify(sinkEventJson(e, at + offset, o.sampleRate))}\n`);
    }
  };
  udp.attach(MsgType.Sink, o.id, (bytes, from) => {
    const r = decodeAoo(bytes);
    if (!r.ok) return;
    sink.handleMessage(r.value, from, ntpNow());
    flushEvents(position, false);
  });
  const clock = new StreamClock(
    o.sampleRate,
    o.blockSize,
    (index, time) => {
      sink.process(block, time);
      chunks.push(block.slice());
      position = index * o.blockSize;
      flushEvents(position, true);
      position += o.blockSize;
    },
    () => sink.send(out),
  );
  const live = process.stderr.isTTY && !Number.isFinite(o.seconds);
  process.stderr.write(`aoo-node receive: sink ${o.id} listening on ${o.host ?? '*'} port ${udp.port}, writing ${o.out}\n`);

  return new Promise((resolve) => {
    let status: NodeJS.Timeout | undefined;
    const finish = () => {
      clock.stop();
      clearTimeout(timer);
      clearInterval(status);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      udp.close();
      if (live) process.stderr.write('\n');
      const frames = chunks.length * o.blockSize;
      const planar = Array.from({ length: o.channels }, () => new Float32Array(frames));
      chunks.forEach((c, i) => {
        for (let ch = 0; ch < o.channels; ch++) planar[ch]!.set(c.subarray(ch * o.blockSize, (ch + 1) * o.blockSize), i * o.blockSize);
      });
      try {
        writeWav(o.out, { sampleRate: o.sampleRate, channels: planar });
      } catch (e) {
        process.stderr.write(`aoo-node receive: cannot write ${o.out}: ${e instanceof Error ? e.message : String(e)}\n`);
        resolve(1);
        return;
      }
      const skipped = clock.skipped > 0 ? ` (${clock.skipped} blocks skipped: the process was too slow)` : '';
      process.stderr.write(`aoo-node receive: wrote ${(frames / o.sampleRate).toFixed(3)} s to ${o.out}${skipped}\n`);
      resolve(0);
    };
    const timer = Number.isFinite(o.seconds) ? setTimeout(finish, o.seconds * 1000) : undefined;
    if (live) {
      status = setInterval(() => {
        process.stderr.write(`\r${clock.elapsed.toFixed(1)} s, ${udp.received} packets received `);
      }, 250);
    }
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    clock.start();
  });
}
