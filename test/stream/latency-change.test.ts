import { strict as assert } from 'node:assert';
import type { SinkEvent } from '../../src/stream/events.ts';
import { seededRandom } from '../../src/util/random.ts';
import type { SinkOptions } from '../../src/stream/sink.ts';
import { conversionRun } from './conversion-run.ts';
import { Link } from './harness.ts';
import { impulsesAndMessages } from './impulse-messages.ts';
import { BS, SR, noiseStream, pcmFormat } from './setup.ts';
import { SOURCE_ADDRESS } from './two-hosts.ts';

/** Stream blocks the sink buffers for `latency` seconds (spec §7.3). */
const latencyBlocks = (latency: number, blockSize = BS): number => Math.ceil((latency * SR) / blockSize);

const noiseSession = (seconds: number, sink: Partial<SinkOptions> = {}) => noiseStream(new Link(seededRandom(61)), seconds, { seed: 62, sink });

/** Asserts received[k] === sent[k − delay] for k in [from, to). */
function assertPlays(sent: Float32Array, received: Float32Array, delay: number, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    if (received[k] !== sent[k - delay]) assert.fail(`sample ${k}: expected sent[${k - delay}] = ${sent[k - delay]}, got ${received[k]}`);
  }
}

const bufferLatencies = (events: readonly SinkEvent[]) =>
  events.flatMap((e) => (e.type === 'StreamLatency' ? [e.bufferLatency] : []));

describe('stream: sink latency and buffer size changed while playing', () => {
  it('a longer latency plays silence for the difference, a shorter one drops the oldest audio; every other sample plays once, in order', () => {
    const { session, sink } = noiseSession(3);
    session.run(1);
    const grown = session.tickCount;
    assert.equal(sink.setLatency(0.1), null);
    session.run(1);
    const shrunk = session.tickCount;
    assert.equal(sink.setLatency(0.02), null);
    session.run(1);

    const sent = session.sources[0]!.sent[0]!;
    const { received, events } = session.sinks[0]!;
    const out = received[0]!;
    const before = latencyBlocks(0.05) - 1; // as in stream.test.ts: this link has no delay
    const added = latencyBlocks(0.1) - latencyBlocks(0.05);
    const removed = latencyBlocks(0.1) - latencyBlocks(0.02);
    assertPlays(sent, out, before * BS, before * BS, grown * BS);
    assert.ok(out.subarray(grown * BS, (grown + added) * BS).every((v) => v === 0), 'no silence where the latency grew');
    // the audio goes on with the sample after the last one played before the change
    assertPlays(sent, out, (before + added) * BS, (grown + added) * BS, shrunk * BS);
    assertPlays(sent, out, (before + added - removed) * BS, shrunk * BS, session.tickCount * BS);

    assert.deepEqual(
      bufferLatencies(events),
      [0.05, 0.1, 0.02].map((latency) => (latencyBlocks(latency) * BS) / SR),
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'StreamState').map((e) => e.type === 'StreamState' && e.state),
      ['buffering', 'active'],
    );
    assert.ok(!events.some((e) => e.type === 'BlockDrop' || e.type === 'BufferOverrun' || e.type === 'BufferUnderrun'));
  });

  it('a bad latency or buffer size is refused with a reason and changes nothing', () => {
    const { session, sink } = noiseSession(1);
    session.run(0.5);
    for (const bad of [-0.01, Number.NaN, Infinity, 10.5]) assert.match(String(sink.setLatency(bad)), /latency must be 0…10 s/);
    for (const bad of [-1, 61]) assert.match(String(sink.setBufferSize(bad)), /buffer size must be 0…60 s/);
    session.run(0.5);
    const sent = session.sources[0]!.sent[0]!;
    const { received, events } = session.sinks[0]!;
    const delay = (latencyBlocks(0.05) - 1) * BS;
    assertPlays(sent, received[0]!, delay, delay, session.tickCount * BS);
    assert.deepEqual(bufferLatencies(events), [(latencyBlocks(0.05) * BS) / SR]);
  });

  it('stream messages stay on their impulses, which move by exactly the change (reblocking, loss, jitter, resend)', () => {
    const format = { ...pcmFormat(1), blockSize: 256 };
    const [first, second] = [500, 1000];
    const { arrivals, events } = impulsesAndMessages(format, new Link(seededRandom(65), { loss: 0.05, delay: 0.002, jitter: 0.01 }), {
      latency: 0.1,
      beforeTick: (tick, sink) => {
        if (tick === first) assert.equal(sink.setLatency(0.2), null);
        if (tick === second) assert.equal(sink.setLatency(0.05), null);
      },
    });
    const before = arrivals[0]!.delay;
    const grew = (latencyBlocks(0.2, 256) - latencyBlocks(0.1, 256)) * 256;
    const shrank = (latencyBlocks(0.2, 256) - latencyBlocks(0.05, 256)) * 256;
    // Each change moves the delay once, by exactly its size: from the first message after the
    // silence that grows it, or right after the block that was playing when it shrank.
    const changes = arrivals.filter((a, i) => i > 0 && a.delay !== arrivals[i - 1]!.delay);
    assert.deepEqual(
      changes.map((a) => a.delay),
      [before + grew, before + grew - shrank],
    );
    const within = (tick: number, from: number) => tick >= from && tick < from + 7 + 256 / BS; // a message every 7 ticks
    assert.ok(within(changes[0]!.tick, first + grew / BS), `the longer latency shows at tick ${changes[0]!.tick}`);
    assert.ok(within(changes[1]!.tick, second), `the shorter latency shows at tick ${changes[1]!.tick}`);
    // nothing is lost where the latency grew; the stream never restarted
    const aroundFirst = arrivals.filter((a) => a.tick >= first - 100 && a.tick < second).map((a) => a.index);
    assert.deepEqual(aroundFirst, aroundFirst.map((_, i) => aroundFirst[0]! + i));
    assert.ok(!events.some((e) => e.type === 'BlockDrop' || e.type === 'BufferOverrun' || e.type === 'BufferUnderrun'));
  });

  it('a smaller buffer size while playing: a sink stall the default buffer absorbs now overruns it', () => {
    const stall = (bufferSize: number | null) => {
      const { session, sink } = noiseSession(2);
      session.run(0.5);
      if (bufferSize !== null) assert.equal(sink.setBufferSize(bufferSize), null);
      session.run(0.5);
      session.stallSinks(20);
      session.run(1);
      return session.sinks[0]!.events.filter((e) => e.type === 'BufferOverrun').length;
    };
    // latency 50 ms = 38 blocks; 20 more arrive during the stall
    assert.equal(stall(null), 0, 'the default buffer (2 × latency = 76 blocks) overran');
    assert.equal(stall(0.06), 1, 'a 45-block buffer did not overrun');
  });

  it('dynamic resampling, a drifting source clock, bursty ticks: the buffer settles at each new latency, no xrun', () => {
    const xruns: string[] = [];
    const { hosts, sink } = conversionRun(
      {
        format: pcmFormat(1),
        sourceHost: { sampleRate: SR, blockSize: BS, ppm: 200, burst: 'pd-default', seed: 5 },
        sinkHost: { sampleRate: SR, blockSize: BS, burst: 'pd-default', seed: 6 },
        sink: { latency: 0.05, resampleMode: 'cubic' },
      },
      {
        fill: (block) => block.fill(0.25),
        played: (_block, events) => {
          for (const e of events) if (e.type === 'BufferOverrun' || e.type === 'BufferUnderrun' || e.type === 'BlockDrop') xruns.push(e.type);
        },
      },
    );
    /** Mean buffer latency over the 20 s before `until`. */
    const settledAt = (until: number): number => {
      let sum = 0;
      for (let k = 200; k > 0; k--) {
        hosts.runUntil(until - k * 0.1);
        sum += sink.bufferLatency(SOURCE_ADDRESS) ?? 0;
      }
      return sum / 200;
    };
    const levels = [settledAt(40)];
    assert.equal(sink.setLatency(0.1), null);
    levels.push(settledAt(100));
    assert.equal(sink.setLatency(0.03), null);
    levels.push(settledAt(160));
    assert.deepEqual(xruns, []);
    [0.05, 0.1, 0.03].forEach((latency, i) => {
      assert.ok(Math.abs(levels[i]! - latency) <= BS / SR, `at ${latency * 1000} ms the buffer holds ${(levels[i]! * 1000).toFixed(2)} ms`);
    });
  });
});
