/** `aoo-node demo`: a source and a sink in one process stream a stereo tone over 127.0.0.1; then a summary. */
import { parseArgs } from 'node:util';
import { describeFormat } from '../codec/registry.ts';
import { toneSignal } from './audio-signal.ts';
import { summarizeDemo } from './demo-summary.ts';
import { endpointName } from './endpoint-name.ts';
import { Recording } from './recording.ts';
import { StatusDisplay, statusModeFor } from './status-display.ts';
import { demoStatusLine } from './status-line.ts';
import { StreamClock, UsageError, isPositive, onInterrupt, parseNumber, runCommand } from './stream-clock.ts';
import { type CodecName, parseCodec, streamFormat } from './stream-format.ts';
import { StreamReceiver } from './stream-receiver.ts';
import { StreamSender } from './stream-sender.ts';
import { SinkStatusTracker, SourceStatusTracker } from './stream-status.ts';

const HOST = '127.0.0.1';
const TONES = [440, 660];
const SAMPLE_RATE = 48000;
const BLOCK_SIZE = 64;
const LATENCY = 0.05;
const ID = 1;
const MAX_SECONDS = 600;
/** Seconds the sink may take, after the source stopped, to play out what it buffered. */
const DRAIN_SECONDS = 1;

export function runDemo(args: string[]): Promise<number> {
  return runCommand('demo', async () => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { seconds: { type: 'string' }, codec: { type: 'string' } } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const seconds = parseNumber(values.seconds, 'seconds', 10, (n) => isPositive(n) && n <= MAX_SECONDS, `a positive number up to ${MAX_SECONDS}`);
    return demo(seconds, parseCodec(values.codec));
  });
}

async function demo(seconds: number, codec: CodecName): Promise<number> {
  const format = streamFormat(codec, TONES.length, SAMPLE_RATE);
  const display = new StatusDisplay(statusModeFor(process.stderr, 'lines'), process.stderr);
  const log = (text: string) => display.print(process.stderr, `aoo-node demo: ${text}\n`);
  const received = new SourceStatusTracker();
  let streamStopped = false;
  let error: string | undefined;
  const receiver = await StreamReceiver.open({
    port: 0,
    host: HOST,
    id: ID,
    channels: format.channels,
    sampleRate: SAMPLE_RATE,
    blockSize: BLOCK_SIZE,
    latency: LATENCY,
    onEvent: (e) => {
      received.apply(e);
      if (e.type === 'StreamStop') streamStopped = true;
      if (e.type === 'Error') error ??= e.message;
    },
    report: log,
  });
  const sink = { address: HOST, port: receiver.port, id: ID };
  const sent = new SinkStatusTracker([sink]);
  let sender: StreamSender;
  try {
    const signal = toneSignal(TONES, SAMPLE_RATE, Math.round(seconds * SAMPLE_RATE));
    sender = await StreamSender.open({ sink, port: 0, host: HOST, id: ID, format, blockSize: BLOCK_SIZE, signal, messageEvery: 0, onEvent: (e) => sent.apply(e), report: log });
  } catch (e) {
    receiver.close();
    throw e;
  }
  log(`${TONES.join('/')} Hz for ${seconds} s, ${describeFormat(format)}: source ${endpointName({ address: HOST, port: sender.port, id: ID })} → sink ${endpointName(sink)}`);

  const recording = new Recording(format.channels, Math.ceil((seconds + 2 * DRAIN_SECONDS) * SAMPLE_RATE));
  await new Promise<void>((resolve) => {
    let drainBlocks = Math.ceil((DRAIN_SECONDS * SAMPLE_RATE) / BLOCK_SIZE);
    const clock = new StreamClock(
      SAMPLE_RATE,
      BLOCK_SIZE,
      (_index, time) => {
        sender.processBlock(time);
        recording.append(receiver.processBlock(time), BLOCK_SIZE);
        if (sender.state === 'stopped' && (streamStopped || --drainBlocks <= 0)) finish();
      },
      () => {
        sender.flush();
        receiver.flush();
      },
    );
    const finish = () => {
      clock.stop();
      offInterrupt();
      display.stop();
      resolve();
    };
    // The first Ctrl-C ends the stream early (the summary follows); a second one ends the demo at once.
    const offInterrupt = onInterrupt(() => (sender.state === 'streaming' ? sender.stop() : finish()));
    display.start(() => demoStatusLine(receiver.seconds, sender.blocksSent, first(received.sources)));
    clock.start();
  });
  await sender.close();
  receiver.close();

  const summary = summarizeDemo({
    tones: TONES,
    sampleRate: SAMPLE_RATE,
    played: recording.recorded(),
    source: first(received.sources),
    sink: first(sent.sinks),
    error,
  });
  if (summary.lines.length > 0) process.stdout.write(`${summary.lines.join('\n')}\n`);
  if (summary.failure !== undefined) {
    log(`the stream failed: ${summary.failure}`);
    return 1;
  }
  process.stdout.write(`ok: sent and received ${TONES.join(' and ')} Hz\n`);
  return 0;
}

/** The demo has one source and one sink: the status of the one there is. */
function first<T>(statuses: ReadonlyMap<string, T>): T | undefined {
  return statuses.values().next().value;
}
