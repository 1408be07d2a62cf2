import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OpusApplication, opusExtension } from '../../src/codec/registry.ts';
import type { SinkEvent } from '../../src/stream/events.ts';
import { seededRandom } from '../../src/util/random.ts';
import { longestZeroRun } from '../support/signal.ts';
import type { AllocationReport } from './allocation-child.ts';
import { conversionRun } from './conversion-run.ts';
import { Link, Session } from './harness.ts';
import { BS, SR, makeSink, makeSource, pcmFormat, sourceAt } from './setup.ts';

const ALLOCATION_CHILD = fileURLToPath(new URL('./allocation-child.ts', import.meta.url));

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

describe('stream: long runs', function () {
  this.timeout(120_000);

  it('Opus, 5 % loss, resend off: concealment fills every lost block (no run of zeros longer than a block)', () => {
    const format = { codec: 'opus', channels: 2, sampleRate: SR, blockSize: 480, extension: opusExtension(OpusApplication.audio) };
    const link = new Link(seededRandom(17), { loss: 0.05, delay: 0.002, jitter: 0.01 });
    const session = new Session(link, BS, SR, Math.ceil((20 * SR) / BS) + 1);
    const source = makeSource(1, 2, 18, { format });
    const sink = makeSink(2, 2, 19, { resend: false });
    const w = (2 * Math.PI * 440) / SR;
    let n = 0;
    session.addSource(source, sourceAt(1, 9001), (block) => {
      for (let i = 0; i < BS; i++, n++) block[i] = block[BS + i] = 0.5 * Math.sin(w * n);
    });
    session.addSink(sink, sourceAt(2, 9000), 2);
    source.addSink(sourceAt(2, 9000));
    source.startStream();
    session.run(20);
    const { received, events } = session.sinks[0]!;
    const dropped = events.reduce((total, e) => total + (e.type === 'BlockDrop' ? e.count : 0), 0);
    assert.ok(dropped > 50, `only ${dropped} blocks dropped`);
    assert.ok(!events.some((e) => e.type === 'BlockResend'));
    for (const channel of received) {
      const start = channel.findIndex((v) => v !== 0);
      assert.ok(start > 0 && start < SR, `stream starts at ${start}`);
      const run = longestZeroRun(channel.subarray(start, 19 * SR));
      assert.ok(run <= 480, `a run of ${run} zeros`);
    }
  });

  it('a 10-minute stream (PCM stereo, 5 % loss, jitter, resend) does not grow the heap by 1 MB after warm-up', () => {
    assert.ok(gc, 'run mocha with --expose-gc (.mocharc.json)');
    const events: SinkEvent['type'][] = [];
    const { hosts } = conversionRun(
      {
        format: pcmFormat(2),
        sourceHost: { sampleRate: SR, blockSize: BS, burst: 'pd-sleepgrain1', seed: 1 },
        sinkHost: { sampleRate: SR, blockSize: BS, burst: 'pd-sleepgrain1', seed: 2 },
        link: { loss: 0.05, jitter: 0.01 },
        source: { streamTimeInterval: 1 },
      },
      {
        fill: (block) => block.fill(0.25),
        played: (_block, sinkEvents) => {
          for (const e of sinkEvents) if (e.type === 'BufferOverrun' || e.type === 'BufferUnderrun' || e.type === 'BlockDrop') events.push(e.type);
        },
      },
    );
    hosts.runUntil(60);
    const warm = heapAfterGc();
    hosts.runUntil(600);
    const grown = heapAfterGc() - warm;
    console.log(`      heap after 1 min: ${(warm / 2 ** 20).toFixed(1)} MiB; grown over the next 9 min: ${(grown / 1024).toFixed(0)} KiB`);
    assert.deepEqual(events, []);
    assert.ok(grown < 2 ** 20, `heap grew by ${grown} bytes`);
  });

  it('once running, Source and Sink allocate nothing per block (PCM mono, dynamic resampling; a fresh process per measure)', async () => {
    // A process of its own: in this one, the code is compiled for the other tests' objects, and
    // each forced collection deoptimizes it (dead maps), so recompiling lands in the measurement.
    const measure = async (which: keyof AllocationReport): Promise<number> => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', ALLOCATION_CHILD, which], { timeout: 60_000 });
      return JSON.parse(stdout) as number;
    };
    const r: AllocationReport = {
      sender: await measure('sender'),
      receiver: await measure('receiver'),
      senderBlocks: await measure('senderBlocks'),
      receiverBlocks: await measure('receiverBlocks'),
      resampler: await measure('resampler'),
    };
    const f = (n: number) => n.toFixed(1);
    console.log(`      bytes per block, measuring included (${f(r.resampler)}): sender ${f(r.senderBlocks)}, receiver ${f(r.receiverBlocks)}; with a ping and a stream time every second: ${f(r.sender)}, ${f(r.receiver)}`);
    // The measuring costs 0–8 bytes per block (the resampler's figure varies so between runs);
    // one heap number per block (16 bytes: a double boxed at a call) breaks these two.
    const NOTHING = 12;
    assert.ok(r.senderBlocks < NOTHING, `Source: ${r.senderBlocks} bytes per block`);
    assert.ok(r.receiverBlocks < NOTHING, `Sink: ${r.receiverBlocks} bytes per block`);
    // Once a second the sink handles the source's /ping (decoded whole, answered): it costs the
    // sink's figure ~30 KB a second here (without the source's pings it stays at ~3 bytes per
    // block), up to ~45 bytes per block. An object or array made every block would add ≥ 32.
    assert.ok(r.sender < 64 && r.receiver < 64, `with pings: Source ${r.sender}, Sink ${r.receiver} bytes per block`);
  });
});
