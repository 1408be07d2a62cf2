import { strict as assert } from 'node:assert';
import type { AooMessage } from '../../src/protocol/aoo/messages.ts';
import type { SinkEvent } from '../../src/stream/events.ts';
import type { Sink } from '../../src/stream/sink.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link, T0 } from './harness.ts';
import { BS, SR, noiseStream } from './setup.ts';
import { WireLog } from './wire-log.ts';

const ticks = (seconds: number) => Math.round((seconds * SR) / BS);
/** Ticks between two actions `seconds` apart: the first tick at least that late (one more for rounding of the times). */
const spacing = (seconds: number) => [Math.ceil((seconds * SR) / BS), Math.ceil((seconds * SR) / BS) + 1];
const total = (events: readonly SinkEvent[], type: 'BlockDrop' | 'BlockResend') =>
  events.reduce((n, e) => n + (e.type === type && 'count' in e ? e.count : 0), 0);

/**
 * Blocks FIRST … FIRST + 29 are lost the first time they are sent, on a link without other
 * loss; `configure` changes the sink at tick 100. Returns the resend requests by tick.
 */
const FIRST = 300;
function burstLoss(configure: (sink: Sink) => void) {
  const lost = new Set<string>();
  const drop = (m: AooMessage): boolean => {
    if (m.kind !== 'sink/data' || m.sequence < FIRST || m.sequence >= FIRST + 30) return false;
    const frame = `${m.sequence}:${m.frameIndex}`;
    if (lost.has(frame)) return false;
    lost.add(frame);
    return true;
  };
  const link = new Link(seededRandom(111), { drop });
  const { session, sink } = noiseStream(link, 0.7, { channels: 2, seed: 112 });
  const wire = new WireLog(link);
  session.run(100 / (SR / BS));
  configure(sink);
  session.run(0.5);
  const requestTicks = new Map<number, { messages: number; sequences: number[] }>();
  for (const { tick, msg } of wire.of('source/data')) {
    const t = requestTicks.get(tick) ?? { messages: 0, sequences: [] };
    t.messages++;
    t.sequences.push(...msg.requests.map((r) => r.sequence));
    requestTicks.set(tick, t);
  }
  return { requests: [...requestTicks.values()], events: session.sinks[0]!.events };
}

describe('stream: sink settings changed while streaming', () => {
  it('ping interval: pings to the source follow the new spacing, none at 0', () => {
    const link = new Link(seededRandom(113));
    const { session, sink } = noiseStream(link, 4, { seed: 114 });
    const wire = new WireLog(link);
    session.run(2.2);
    assert.equal(sink.setPingInterval(0.3), null);
    session.run(1);
    assert.equal(sink.setPingInterval(0), null);
    session.run(0.5);
    const [changed, stopped] = [ticks(2.2), ticks(3.2)];
    for (const gap of wire.spacing('source/ping', 0, changed)) assert.ok(spacing(1).includes(gap), `gap ${gap} at 1 s`);
    const fast = wire.spacing('source/ping', changed, stopped);
    assert.ok(fast.length >= 2);
    for (const gap of fast) assert.ok(spacing(0.3).includes(gap), `gap ${gap} at 0.3 s`);
    assert.equal(wire.of('source/ping', stopped + 1).length, 0);
  });

  it('resend off: no requests, lost blocks drop; on again: requests, no drops', () => {
    const link = new Link(seededRandom(115), { loss: 0.05, delay: 0.002, jitter: 0.01 });
    const { session, sink } = noiseStream(link, 6, { channels: 2, seed: 116 });
    const wire = new WireLog(link);
    const dropped: number[] = [];
    const phase = (seconds: number) => {
      const before = session.sinks[0]!.events.length;
      session.run(seconds);
      dropped.push(total(session.sinks[0]!.events.slice(before), 'BlockDrop'));
    };
    phase(2);
    sink.setResend(false);
    phase(2);
    sink.setResend(true);
    phase(0.1); // blocks lost before this change may be too late now
    phase(1.9);
    const requests = (from: number, to: number) => wire.of('source/data', ticks(from), ticks(to)).length;
    assert.ok(requests(0, 2) > 100);
    assert.equal(requests(2 + 0.01, 4), 0);
    assert.ok(requests(4, 6) > 100);
    assert.equal(dropped[0], 0);
    assert.ok(dropped[1]! > 50, `${dropped[1]} blocks dropped with resend off`);
    assert.equal(dropped[3], 0);
  });

  it('resend limit: at most that many blocks requested per block processed', () => {
    const { requests, events } = burstLoss((sink) => assert.equal(sink.setResendLimit(4), null));
    assert.deepEqual(
      requests[0]!.sequences,
      [FIRST, FIRST + 1, FIRST + 2, FIRST + 3],
    );
    for (const r of requests) assert.ok(new Set(r.sequences).size <= 4);
    assert.equal(total(events, 'BlockResend'), 30);
    assert.equal(total(events, 'BlockDrop'), 0);
  });

  it('packet size: resend requests are split into packets of at most (size − 20) / 8 requests', () => {
    const small = burstLoss((sink) => {
      assert.equal(sink.setResendLimit(30), null);
      assert.equal(sink.setPacketSize(101), null);
    });
    assert.deepEqual(small.requests[0], { messages: 3, sequences: Array.from({ length: 30 }, (_, i) => FIRST + i) });
    const large = burstLoss((sink) => assert.equal(sink.setResendLimit(30), null));
    assert.equal(large.requests[0]!.messages, 1);
  });

  it('resend interval: a block still missing is requested again after that long', () => {
    const missing = 300;
    const until = T0 + 400 / (SR / BS); // then the block gets through
    const link = new Link(seededRandom(117), { drop: (m, time) => m.kind === 'sink/data' && m.sequence === missing && time < until });
    const { session, sink } = noiseStream(link, 1, { seed: 118, sink: { latency: 0.2 } });
    const wire = new WireLog(link);
    session.run(100 / (SR / BS));
    assert.equal(sink.setResendInterval(0.021), null);
    session.run(0.8);
    const asked = wire.of('source/data').filter(({ msg }) => msg.requests.some((r) => r.sequence === missing));
    assert.ok(asked.length >= 5, `${asked.length} requests`);
    for (let i = 1; i < asked.length; i++) assert.ok(spacing(0.021).includes(asked[i]!.tick - asked[i - 1]!.tick), `requests at ticks ${asked.map((a) => a.tick)}`);
    assert.equal(total(session.sinks[0]!.events, 'BlockResend'), 1);
    assert.equal(total(session.sinks[0]!.events, 'BlockDrop'), 0);
  });

  it('bad values are refused with a reason and change nothing', () => {
    const { requests } = burstLoss((sink) => {
      for (const bad of [0, 1.5, Number.NaN]) assert.match(String(sink.setResendLimit(bad)), /resend limit must be an integer 1…/);
      for (const bad of [100, 4097, 200.5]) assert.match(String(sink.setPacketSize(bad)), /packet size must be an integer 101…4096/);
      for (const bad of [-0.001, Infinity]) assert.match(String(sink.setResendInterval(bad)), /resend interval/);
      assert.match(String(sink.setPingInterval(-1)), /ping interval/);
    });
    assert.deepEqual(requests[0], { messages: 1, sequences: Array.from({ length: 16 }, (_, i) => FIRST + i) });
  });
});
