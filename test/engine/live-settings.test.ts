import { strict as assert } from 'node:assert';
import { decodeAoo } from '../../src/protocol/aoo/messages.ts';
import type { SinkData } from '../../src/protocol/aoo/sink/data.ts';
import { keepList } from './room.ts';
import { type SimHost, SimEngine } from './sim-engine.ts';
import { BS, T } from './stream-pair.ts';

const SR = 48000;
/** The receive~'s latency at creation (ms). */
const LATENCY_MS = 25;
/** Blocks between two impulses: longer than any delay here, so each impulse is found in its own window. */
const IMPULSE_EVERY = 200;

/** A send~ on 9000 streaming PCM to a receive~ on 9001, both in one engine. */
async function streaming(...receiveMethods: [string, ...number[]][]): Promise<{ sim: SimEngine; a: SimHost; b: SimHost }> {
  const sim = new SimEngine();
  const [a, b] = [sim.host(), sim.host()];
  a.open('send', 2, 9000, 1);
  b.open('receive', 2, 9001, 1, LATENCY_MS);
  for (const [selector, ...args] of receiveMethods) b.method(selector, ...args);
  a.method('add', '127.0.0.1', 9001, 1);
  a.method('start');
  await sim.settle();
  return { sim, a, b };
}

/** A unit impulse at the start of every IMPULSE_EVERY-th captured block, on channel 0. */
function impulses(k: number): Float32Array {
  const block = new Float32Array(2 * BS);
  if (k % IMPULSE_EVERY === 0) block[0] = 1;
  return block;
}

interface Run {
  /** For each impulse captured in the run, samples from its capture to where it played (by host tick). */
  readonly delays: Map<number, number>;
  /** The events of the receive~, as "name args…" lines (timed ones without their tick and offset). */
  readonly events: string[];
}

/**
 * Ticks `first`…`first+count−1`: the send~ captures `impulses`, the receive~ ticks (except in
 * `noTick`), the network is delivered each time. The delays are found in the blocks played.
 */
function run(sim: SimEngine, a: SimHost, b: SimHost, first: number, count: number, noTick = (_k: number) => false): Run {
  const played = new Map<number, number>();
  for (let k = first; k < first + count; k++) {
    sim.advance(T);
    a.block(k, impulses(k));
    if (!noTick(k)) b.tick(k);
    sim.udp.deliver();
    for (const r of b.take('/out')) {
      const [tick, ...samples] = r.atoms as number[];
      const i = samples.slice(0, BS).indexOf(1);
      if (i >= 0) played.set(tick! * BS + i, 0);
    }
  }
  const delays = new Map<number, number>();
  for (const at of played.keys()) {
    const captured = Math.floor(at / BS / IMPULSE_EVERY) * IMPULSE_EVERY;
    delays.set(captured, at - captured * BS);
  }
  const events = [...b.take('/ev').map((r) => r.atoms), ...b.take('/at').map((r) => r.atoms.slice(2))].map((atoms) => atoms.join(' '));
  assert.deepEqual(a.errors(), []);
  assert.deepEqual(b.errors(), []);
  return { delays, events };
}

/** The one delay all impulses of a run played with. */
function delayOf(r: Run): number {
  const all = new Set(r.delays.values());
  assert.equal(all.size, 1, `delays ${JSON.stringify([...r.delays])}`);
  return [...all][0]!;
}

/** Events that mean the stream restarted or its source came and went. */
const restarts = (events: readonly string[]) => events.filter((e) => /^(add|remove|start|stop|format) /.test(e));

describe('engine: settings change live, the stream plays on (simulated time)', () => {
  it('latency 100 on a playing aoo.receive~: same stream, every impulse 75 ms later (whole stream blocks)', async () => {
    const { sim, a, b } = await streaming();
    run(sim, a, b, 0, 400);
    const before = delayOf(run(sim, a, b, 400, 800));
    b.method('latency', 100);
    await sim.settle();
    const during = run(sim, a, b, 1200, 400);
    const after = delayOf(run(sim, a, b, 1600, 800));
    assert.deepEqual(restarts(during.events), []);
    // The sink buffers the latency rounded up to whole stream blocks (64 samples here).
    const blocks = (ms: number) => Math.ceil((ms / 1000) * (SR / BS));
    assert.equal(after - before, (blocks(100) - blocks(LATENCY_MS)) * BS, `${before} → ${after}`);
    assert.deepEqual(keepList(b), ['latency 100']);
  });

  it('packetsize on a playing aoo.send~: same stream, its /data split into frames that fit', async () => {
    const { sim, a, b } = await streaming();
    run(sim, a, b, 0, 400);
    const framesBefore = dataSent(sim, () => run(sim, a, b, 400, 200));
    const before = delayOf(framesBefore.run);
    a.method('packetsize', 200);
    await sim.settle();
    const framesAfter = dataSent(sim, () => run(sim, a, b, 600, 400));
    assert.deepEqual(restarts(framesAfter.run.events), []);
    assert.equal(delayOf(framesAfter.run), before, 'the frames are put together again: same delay');
    const streams = new Set([...framesBefore.frames, ...framesAfter.frames].map((f) => f.streamId));
    assert.equal(streams.size, 1, 'one stream ID throughout');
    // 2 channels × 64 float32 samples = 512 bytes of audio per block: 2 frames of at most 512 bytes by default.
    const shape = (frames: readonly Frame[]) => ({ frameCounts: [...new Set(frames.map((f) => f.frameCount))], largest: Math.max(...frames.map((f) => f.size)) });
    assert.deepEqual(shape(framesBefore.frames).frameCounts, [2]);
    assert.ok(shape(framesBefore.frames).largest > 200);
    const after = shape(framesAfter.frames);
    assert.ok(after.frameCounts.length === 1 && after.frameCounts[0]! >= 3 && after.largest <= 200, JSON.stringify(after));
    assert.deepEqual(keepList(a).filter((l) => l.startsWith('packetsize')), ['packetsize 200']);
  });

  it('a bad value changes nothing and is reported as before', async () => {
    const { sim, a, b } = await streaming();
    b.method('latency', 20000);
    a.method('redundancy', 0);
    await sim.settle();
    assert.deepEqual(b.errors(), ['aoo.receive~ 9001 1: latency: expects a number 0…10000 (got 20000)']);
    assert.deepEqual(a.errors(), ['aoo.send~ 9000 1: redundancy: expects a whole number 1…16 (got 0)']);
    assert.ok(!keepList(b).some((l) => l.startsWith('latency')));
  });

  it('a gap in the ticks of an aoo.receive~ longer than it bridges: the skipped output is lost, the delay stays', async () => {
    // A buffer that holds the gap: without dropping it, the audio would play that much later.
    const { sim, a, b } = await streaming(['buffersize', 1000]);
    run(sim, a, b, 0, 400);
    const before = delayOf(run(sim, a, b, 400, 800));
    // 100 ticks never arrive (more than the 64 computed afterwards), while the send~ goes on.
    const gap = run(sim, a, b, 1200, 400, (k) => k >= 1250 && k < 1350);
    assert.deepEqual(restarts(gap.events), []);
    const after = delayOf(run(sim, a, b, 1600, 800));
    assert.equal(after, before);
  });
});

interface Frame {
  readonly streamId: number;
  readonly frameCount: number;
  readonly size: number;
}

/** The /data datagrams the send~ on 9000 sends while `body` runs. */
function dataSent<R>(sim: SimEngine, body: () => R): { run: R; frames: Frame[] } {
  const frames: Frame[] = [];
  sim.udp.drop = (d) => {
    const m = decodeAoo(d.bytes);
    if (d.from.port === 9000 && m.ok && m.value.kind === 'sink/data') {
      const data: SinkData = m.value;
      frames.push({ streamId: data.streamId, frameCount: data.frameCount, size: d.bytes.length });
    }
    return false;
  };
  try {
    return { run: body(), frames };
  } finally {
    sim.udp.drop = null;
  }
}
