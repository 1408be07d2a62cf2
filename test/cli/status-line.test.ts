import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { StreamFormat } from '../../src/codec/codec.ts';
import { type Output, StatusDisplay, statusModeFor } from '../../src/cli/status-display.ts';
import { demoStatusLine, fitToWidth, receiveStatusLine, sendStatusLine, sinkFields, sourceFields } from '../../src/cli/status-line.ts';
import { SinkStatusTracker, type SourceStatus, SourceStatusTracker, roundTripSeconds } from '../../src/cli/stream-status.ts';
import { dominantFrequency } from '../../src/cli/tone-analysis.ts';
import { WavFileWriter } from '../../src/cli/wav-file-writer.ts';
import { type NtpTime, ntpAdd, ntpFromSeconds } from '../../src/protocol/ntp.ts';
import type { Endpoint } from '../../src/stream/endpoint.ts';
import { readWav } from '../../src/util/wav.ts';
import { startCli, waitForStderr } from '../support/cli.ts';

const A: Endpoint = { address: '127.0.0.1', port: 50000, id: 1 };
const B: Endpoint = { address: '::1', port: 50001, id: 2 };
/** 480-sample blocks at 48 kHz: 10 ms each. */
const FORMAT: StreamFormat = { codec: 'pcm', channels: 2, sampleRate: 48000, blockSize: 480, extension: new Uint8Array(1) };
const T0 = ntpFromSeconds(3_900_000_000);
/** One way over the network: 2^-10 s, so that every sum below is exact. */
const ONE_WAY = 2 ** -10;
const HELD = 0.5;

/** t1…t4 of a ping sent at `t1`: ONE_WAY there, HELD by the other end, ONE_WAY back. */
function ping(t1: NtpTime): { t1: NtpTime; t2: NtpTime; t3: NtpTime; t4: NtpTime } {
  const t2 = ntpAdd(t1, ONE_WAY);
  const t3 = ntpAdd(t2, HELD);
  return { t1, t2, t3, t4: ntpAdd(t3, ONE_WAY) };
}

describe('status line: accumulated from events', () => {
  it('round trip excludes the time the other end held the ping', () => {
    const p = ping(T0);
    assert.equal(roundTripSeconds(p.t1, p.t2, p.t3, p.t4), 2 * ONE_WAY);
  });

  it('receive: state, buffer latency, drops, resends, xruns, round trip, loss per ping window', () => {
    const s = new SourceStatusTracker();
    s.apply({ type: 'SourceAdd', endpoint: A });
    assert.equal(sourceFields(s.sources.get('127.0.0.1:50000|1')!), 'inactive buf - loss - drop 0 resent 0 xrun 0 rtt -');
    s.apply({ type: 'FormatChange', endpoint: A, format: FORMAT });
    s.apply({ type: 'StreamStart', endpoint: A, startTime: T0, metadata: null });
    s.apply({ type: 'StreamState', endpoint: A, state: 'buffering', sampleOffset: 0 });
    s.apply({ type: 'StreamLatency', endpoint: A, sourceLatency: 0, sinkLatency: 0, bufferLatency: 0.06 });
    s.apply({ type: 'StreamState', endpoint: A, state: 'active', sampleOffset: 17 });
    s.apply({ type: 'BlockDrop', endpoint: A, count: 2 });
    s.apply({ type: 'BlockResend', endpoint: A, count: 3 });
    s.apply({ type: 'BlockXRun', endpoint: A, count: 1 });
    s.apply({ type: 'BlockDrop', endpoint: A, count: 1 });
    // First window: from the first ping's departure to its reply, 0.5 + 2^-9 s; 3 blocks of 10 ms lost.
    const first = ping(T0);
    s.apply({ type: 'SourcePing', endpoint: A, ...first });
    let a = s.sources.get('127.0.0.1:50000|1')!;
    assert.equal(a.state, 'active');
    assert.equal(a.bufferLatency, 0.06);
    assert.deepEqual([a.dropped, a.resent, a.xruns], [3, 3, 1]);
    assert.equal(a.roundTrip, 2 * ONE_WAY);
    assert.ok(Math.abs(a.packetLoss! - 0.03 / (HELD + 2 * ONE_WAY)) < 1e-12, String(a.packetLoss));
    // Next window: from that reply to the next one, exactly 1 s; 5 blocks lost = 5 %.
    s.apply({ type: 'BlockDrop', endpoint: A, count: 5 });
    s.apply({ type: 'SourcePing', endpoint: A, ...ping(ntpAdd(first.t1, 1)) });
    a = s.sources.get('127.0.0.1:50000|1')!;
    assert.ok(Math.abs(a.packetLoss! - 0.05) < 1e-12, String(a.packetLoss));
    assert.equal(a.dropped, 8);
    // A window without drops reports 0 again; more loss than audio is capped at 100 %.
    s.apply({ type: 'SourcePing', endpoint: A, ...ping(ntpAdd(first.t1, 2)) });
    assert.equal(s.sources.get('127.0.0.1:50000|1')!.packetLoss, 0);
    s.apply({ type: 'BlockDrop', endpoint: A, count: 1000 });
    s.apply({ type: 'SourcePing', endpoint: A, ...ping(ntpAdd(first.t1, 3)) });
    assert.equal(s.sources.get('127.0.0.1:50000|1')!.packetLoss, 1);
  });

  it('receive: sources are kept apart, in order of arrival; a removed source disappears', () => {
    const s = new SourceStatusTracker();
    s.apply({ type: 'SourceAdd', endpoint: A });
    s.apply({ type: 'SourceAdd', endpoint: B });
    s.apply({ type: 'StreamState', endpoint: B, state: 'buffering', sampleOffset: 0 });
    s.apply({ type: 'BlockDrop', endpoint: A, count: 4 });
    assert.deepEqual([...s.sources.keys()], ['127.0.0.1:50000|1', '[::1]:50001|2']);
    assert.deepEqual([...s.sources.values()].map((x) => [x.state, x.dropped]), [['inactive', 4], ['buffering', 0]]);
    s.apply({ type: 'SourceRemove', endpoint: A });
    assert.deepEqual([...s.sources.keys()], ['[::1]:50001|2']);
    // A stream that ends goes inactive (StreamState), and its counts stay.
    s.apply({ type: 'StreamState', endpoint: B, state: 'inactive', sampleOffset: 0 });
    s.apply({ type: 'StreamStop', endpoint: B });
    assert.equal(s.sources.get('[::1]:50001|2')!.state, 'inactive');
  });

  it('send: the configured sink, invited sinks, round trip and loss from the sink, resent frames, uninvitation', () => {
    const s = new SinkStatusTracker([A]);
    assert.deepEqual(s.sinks.get('127.0.0.1:50000|1'), { active: true, roundTrip: undefined, packetLoss: undefined, resentFrames: 0 });
    s.apply({ type: 'SinkPing', endpoint: A, ...ping(T0), packetLoss: 0.25 });
    s.apply({ type: 'FrameResend', endpoint: A, count: 3 });
    s.apply({ type: 'FrameResend', endpoint: A, count: 4 });
    s.apply({ type: 'SinkAdd', endpoint: B });
    s.apply({ type: 'Invite', endpoint: B, token: 7, metadata: null });
    assert.deepEqual(s.sinks.get('127.0.0.1:50000|1'), { active: true, roundTrip: 2 * ONE_WAY, packetLoss: 0.25, resentFrames: 7 });
    assert.deepEqual([...s.sinks.keys()], ['127.0.0.1:50000|1', '[::1]:50001|2']);
    s.apply({ type: 'Uninvite', endpoint: B, token: 7 });
    assert.equal(s.sinks.get('[::1]:50001|2')!.active, false);
  });
});

describe('status line: text', () => {
  const known: SourceStatus = { state: 'active', bufferLatency: 0.0533, packetLoss: 0.004, dropped: 3, resent: 2, xruns: 1, roundTrip: 2 * ONE_WAY };
  const unknown: SourceStatus = { state: 'buffering', bufferLatency: undefined, packetLoss: undefined, dropped: 0, resent: 0, xruns: 0, roundTrip: undefined };

  it('formats a source, known and not yet known', () => {
    assert.equal(sourceFields(known), 'active buf 53ms loss 0.4% drop 3 resent 2 xrun 1 rtt 2.0ms');
    assert.equal(sourceFields(unknown), 'buffering buf - loss - drop 0 resent 0 xrun 0 rtt -');
  });

  it('formats a sink, and an uninvited one', () => {
    assert.equal(sinkFields({ active: true, roundTrip: 0.00031, packetLoss: 0.125, resentFrames: 12 }), 'rtt 0.3ms loss 12.5% resent 12');
    assert.equal(sinkFields({ active: true, roundTrip: undefined, packetLoss: undefined, resentFrames: 0 }), 'rtt - loss - resent 0');
    assert.equal(sinkFields({ active: false, roundTrip: 0.001, packetLoss: 0, resentFrames: 0 }), 'uninvited');
  });

  it('receive: elapsed time and every source, or that none came yet', () => {
    assert.equal(receiveStatusLine(0.04, new Map()), '0.0s waiting for a source');
    assert.equal(
      receiveStatusLine(12.34, new Map([['127.0.0.1:50000|1', known], ['[::1]:50001|2', unknown]])),
      '12.3s 127.0.0.1:50000|1 active buf 53ms loss 0.4% drop 3 resent 2 xrun 1 rtt 2.0ms | [::1]:50001|2 buffering buf - loss - drop 0 resent 0 xrun 0 rtt -',
    );
  });

  it('receive: the line of an event sequence', () => {
    const s = new SourceStatusTracker();
    s.apply({ type: 'SourceAdd', endpoint: A });
    s.apply({ type: 'FormatChange', endpoint: A, format: FORMAT });
    s.apply({ type: 'StreamState', endpoint: A, state: 'buffering', sampleOffset: 0 });
    s.apply({ type: 'StreamLatency', endpoint: A, sourceLatency: 0, sinkLatency: 0, bufferLatency: 0.06 });
    s.apply({ type: 'StreamState', endpoint: A, state: 'active', sampleOffset: 0 });
    s.apply({ type: 'SourcePing', endpoint: A, ...ping(T0) });
    s.apply({ type: 'BlockDrop', endpoint: A, count: 2 });
    s.apply({ type: 'SourcePing', endpoint: A, ...ping(ntpAdd(T0, 1)) });
    assert.equal(receiveStatusLine(2, s.sources), '2.0s 127.0.0.1:50000|1 active buf 60ms loss 2.0% drop 2 resent 0 xrun 0 rtt 2.0ms');
  });

  it('send: state, blocks sent and every sink', () => {
    const sinks = new Map([
      ['127.0.0.1:9100|1', { active: true, roundTrip: 0.00042, packetLoss: 0, resentFrames: 0 }],
      ['[::1]:9100|2', { active: false, roundTrip: undefined, packetLoss: undefined, resentFrames: 0 }],
    ]);
    assert.equal(sendStatusLine(12.3, 'streaming', 9216, sinks), '12.3s streaming 9216 blocks → 127.0.0.1:9100|1 rtt 0.4ms loss 0.0% resent 0 | [::1]:9100|2 uninvited');
    assert.equal(sendStatusLine(1, 'stopping', 750, new Map()), '1.0s stopping 750 blocks → ');
  });

  it('demo: blocks sent and what the sink reports', () => {
    assert.equal(demoStatusLine(3, 2250, known), '3.0s sent 2250 blocks | active buf 53ms loss 0.4% drop 3 resent 2 xrun 1 rtt 2.0ms');
    assert.equal(demoStatusLine(0.2, 150, undefined), '0.2s sent 150 blocks | nothing received yet');
  });

  it('fits a line into the terminal width, one column spare', () => {
    assert.equal(fitToWidth('0123456789', undefined), '0123456789');
    assert.equal(fitToWidth('0123456789', 11), '0123456789');
    assert.equal(fitToWidth('0123456789', 10), '01234567…');
    assert.equal(fitToWidth('0123456789', 2), '…');
    assert.equal(fitToWidth('0123456789', 1), '');
  });
});

/** Records what is written to it; a terminal when `isTTY`. */
class FakeOutput implements Output {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}
  write(text: string): boolean {
    this.text += text;
    return true;
  }
}

describe('status line: display', () => {
  it('is live on a terminal only', () => {
    assert.equal(statusModeFor(new FakeOutput(true), 'off'), 'live');
    assert.equal(statusModeFor(new FakeOutput(false), 'off'), 'off');
    assert.equal(statusModeFor(new FakeOutput(false), 'lines'), 'lines');
  });

  it('live: one line rewritten in place, cut to the width; printed lines go above it; stop leaves it and a newline', () => {
    const terminal = new FakeOutput(true, 12);
    const file = new FakeOutput(false);
    const display = new StatusDisplay('live', terminal);
    let n = 0;
    display.print(terminal, 'before\n');
    display.start(() => `status ${++n} of many`);
    display.update();
    display.update();
    display.print(file, '{"event":"x"}\n');
    display.print(terminal, 'a line\n');
    display.stop();
    display.print(terminal, 'after\n');
    assert.equal(file.text, '{"event":"x"}\n');
    assert.equal(
      terminal.text,
      'before\n' + '\rstatus 1 o…\x1b[K' + '\rstatus 2 o…\x1b[K' + '\r\x1b[K' + 'a line\n' + '\rstatus 3 o…\x1b[K' + '\rstatus 4 o…\x1b[K\n' + 'after\n',
    );
  });

  it('live: a terminal on stdout too gets its lines above the status line', () => {
    const stderr = new FakeOutput(true);
    const stdout = new FakeOutput(true);
    const display = new StatusDisplay('live', stderr);
    display.start(() => 'status');
    display.update();
    display.print(stdout, 'event\n');
    display.stop();
    assert.equal(stdout.text, 'event\n');
    assert.equal(stderr.text, '\rstatus\x1b[K' + '\r\x1b[K' + '\rstatus\x1b[K' + '\rstatus\x1b[K\n');
  });

  it('lines: plain lines; off: nothing; neither touches printed text', () => {
    const lines = new FakeOutput(false);
    const display = new StatusDisplay('lines', lines);
    display.start(() => 'status');
    display.update();
    display.print(lines, 'event\n');
    display.stop();
    assert.equal(lines.text, 'status\nevent\n');

    const quiet = new FakeOutput(false);
    const off = new StatusDisplay('off', quiet);
    off.start(() => 'status');
    off.update();
    off.print(quiet, 'event\n');
    off.stop();
    assert.equal(quiet.text, 'event\n');
  });

  it('stopping before the first update writes nothing', () => {
    const terminal = new FakeOutput(true);
    const display = new StatusDisplay('live', terminal);
    display.start(() => 'status');
    display.stop();
    assert.equal(terminal.text, '');
  });
});

/** Everything a child writes to one stream, from the start, so nothing is missed between waits. */
class OutputWatcher {
  private text = '';
  private readonly waiters = new Set<() => void>();

  constructor(stream: Readable) {
    stream.on('data', (d: Buffer) => {
      this.text += d.toString();
      for (const check of this.waiters) check();
    });
  }

  /** Resolves once `text` has appeared `count` times. */
  until(text: string, count = 1, timeoutMs = 10000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.text.split(text).length - 1 < count) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${count} × "${text}"; got: ${this.text}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

describe('send and receive until Ctrl-C', function () {
  this.timeout(30000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aoo-live-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the WAV written while recording holds every block, and its header the final sizes', () => {
    const path = join(dir, 'writer.wav');
    const wav = new WavFileWriter(path, 2, 44100);
    const frames = 3000;
    const blocks = 7; // 21000 frames: more than the writer's buffer
    for (let b = 0; b < blocks; b++) {
      const block = new Float32Array(2 * frames);
      for (let i = 0; i < frames; i++) [block[i], block[frames + i]] = [(b * frames + i) / 65536, -(b * frames + i) / 65536];
      wav.write(block, frames);
    }
    assert.equal(wav.frames, blocks * frames);
    wav.close();
    const bytes = readFileSync(path);
    const header = new DataView(bytes.buffer, bytes.byteOffset, 44);
    assert.equal(header.getUint32(40, true), blocks * frames * 2 * 4);
    assert.equal(header.getUint32(4, true), bytes.length - 8);
    const audio = readWav(path);
    assert.equal(audio.sampleRate, 44100);
    assert.equal(audio.channels[0]!.length, blocks * frames);
    for (let i = 0; i < blocks * frames; i += 997) {
      assert.equal(audio.channels[0]![i], i / 65536);
      assert.equal(audio.channels[1]![i], -i / 65536);
    }
  });

  it('Ctrl-C stops send (the sink sees its /stop) and receive (a complete WAV); both exit 0, no status line off a terminal', async () => {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const out = join(dir, 'until-ctrl-c.wav');
    const receiver = startCli(['receive', '--port', String(port), '--host', '127.0.0.1', '--out', out], 20000);
    await waitForStderr(receiver.child, 'listening');
    const events = new OutputWatcher(receiver.child.stdout!);
    const sender = startCli(['send', '--to', `127.0.0.1:${port}:1`, '--tone', '440,660', '--channels', '2'], 20000);
    // Stream times come once a second from playout on: the second one is a second into the tone.
    await events.until('"event":"stream_time"', 2);
    sender.child.kill('SIGINT');
    const s = await sender.done;
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stderr, /aoo-node send: sent \d+\.\d{3} s\n$/);
    await events.until('"event":"stream_stop"');
    receiver.child.kill('SIGINT');
    const r = await receiver.done;
    assert.equal(r.code, 0, r.stderr);

    for (const stderr of [s.stderr, r.stderr]) {
      assert.ok(!stderr.includes('\r'), stderr);
      assert.doesNotMatch(stderr, /rtt|waiting for a source/);
    }
    const json = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string; sample: number; state?: string });
    const start = json.find((e) => e.event === 'stream_state' && e.state === 'active')!.sample;
    const stop = json.find((e) => e.event === 'stream_stop')!.sample;
    const written = /wrote (\d+\.\d+) s/.exec(r.stderr);
    assert.ok(written !== null, r.stderr);

    const bytes = readFileSync(out);
    const dataSize = new DataView(bytes.buffer, bytes.byteOffset, 44).getUint32(40, true);
    assert.equal(dataSize, bytes.length - 44);
    const wav = readWav(out);
    assert.equal(wav.sampleRate, 48000);
    assert.equal(wav.channels.length, 2);
    assert.equal((wav.channels[0]!.length / 48000).toFixed(3), written[1]);
    assert.ok(start + 48000 <= stop && stop <= wav.channels[0]!.length, `active at ${start}, stream_stop at ${stop}`);
    const tone = wav.channels.map((ch) => dominantFrequency(ch.subarray(start, start + 48000), 48000, 20, 4000));
    assert.ok(Math.abs(tone[0]! - 440) < 1 && Math.abs(tone[1]! - 660) < 1, `tones ${tone.join(', ')} Hz`);
  });
});
