import { strict as assert } from 'node:assert';
import { ntpToSeconds } from '../../src/protocol/ntp.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, findOffset } from './harness.ts';
import { BS, SINK_ENDPOINT, SR, makeSink, noiseStream } from './setup.ts';
/** Latency 50 ms, no link delay: blocks play 37 ticks after they were sent (stream.test.ts). */
const DELAY = 37 * BS;
const STALL = 10;

/** 1 s of stream, then the sink host stalls for STALL ticks (and says so if `report`), then 1 s more. */
function dropout(report: boolean, stallAt = 750) {
  // a stream time every 7 blocks: some fall into the skipped ones
  const { session, sink } = noiseStream(new Link(seededRandom(71)), ((stallAt + STALL) * BS) / SR + 1, { seed: 72, source: { streamTimeInterval: 0.01 } });
  while (session.tickCount < stallAt) session.tick();
  session.stallSinks(STALL);
  while (session.tickCount < stallAt + STALL) session.tick();
  if (report) sink.reportXRun(STALL * BS);
  session.run(1);
  const sent = session.sources[0]!.sent[0]!;
  const { received, events } = session.sinks[0]!;
  return { sent, out: received[0]!, events, end: session.tickCount * BS, resumed: (stallAt + STALL) * BS };
}

describe('stream: sink xruns (the host skipped output blocks)', () => {
  it('reportXRun: the skipped audio is lost, not delayed; stream times and latency stay as they were', () => {
    const { sent, out, events, end, resumed } = dropout(true);
    assert.equal(findOffset(sent, out, 0), DELAY);
    for (let k = resumed; k < end; k++) if (out[k] !== sent[k - DELAY]) assert.fail(`sample ${k} after the dropout is not sent[${k - DELAY}]`);
    // every stream time maps the source's sample to the sink time it plays at, before and after
    const lags = events.flatMap((e) => (e.type === 'StreamTime' ? [ntpToSeconds(e.sinkTime) - ntpToSeconds(e.sourceTime)] : []));
    assert.ok(lags.length >= 200, `${lags.length} stream times`);
    for (const lag of lags) assert.ok(Math.abs(lag - DELAY / SR) < 1e-6, `stream time lag ${lag} s`);
    assert.ok(!events.some((e) => ['BlockXRun', 'BlockDrop', 'BufferOverrun', 'BufferUnderrun'].includes(e.type)));
    assert.deepEqual(
      events.filter((e) => e.type === 'StreamState').map((e) => e.type === 'StreamState' && e.state),
      ['buffering', 'active'],
    );
  });

  it('without the report the same dropout adds its length to the latency', () => {
    const { sent, out, events, resumed } = dropout(false);
    assert.equal(findOffset(sent, out, resumed), DELAY + STALL * BS);
    const lags = events.flatMap((e) => (e.type === 'StreamTime' ? [ntpToSeconds(e.sinkTime) - ntpToSeconds(e.sourceTime)] : []));
    assert.ok(Math.abs(lags.at(-1)! - (DELAY + STALL * BS) / SR) < 1e-6);
  });

  it('a dropout over the end of buffering: the active state still comes out, at the start of the first block played', () => {
    const { events } = dropout(true, 30);
    const states = events.filter((e) => e.type === 'StreamState');
    assert.deepEqual(
      states.map((e) => e.type === 'StreamState' && [e.state, e.sampleOffset]),
      [
        ['buffering', 0],
        ['active', 0],
      ],
    );
  });

  it('bad reports are ignored', () => {
    const sink = makeSink(SINK_ENDPOINT.id, 1, 75);
    for (const bad of [0, -64, Number.NaN, Infinity]) sink.reportXRun(bad);
    const out = new Float32Array(BS);
    sink.process(out, 0);
    assert.deepEqual(sink.pollEvents(), []);
  });
});
