import { strict as assert } from 'node:assert';
import { seededRandom } from '../../src/util/random.ts';
import { type Delivery, type LinkConfig, SimNetwork } from '../support/sim/network.ts';

const A = '10.0.0.1:9000';
const B = '10.0.0.2:9000';
const C = '10.0.0.3:9000';
const SPACING = 1 / 750; // 64-sample packets at 48 kHz

const packet = (i: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint32(0, i);
  return b;
};
const indexOf = ({ bytes: b }: Delivery): number => ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;

/** Sends n packets A→B, one every SPACING, and returns every delivery. */
function stream(config: LinkConfig, n: number, seed = 1): { net: SimNetwork; got: Delivery[] } {
  const net = new SimNetwork({ random: seededRandom(seed), link: config });
  for (let i = 0; i < n; i++) net.send(A, B, packet(i), i * SPACING);
  const got = net.deliverDue(Infinity);
  assert.equal(net.pending, 0);
  return { net, got };
}

/** Lengths of runs of consecutive indices never received. */
function lossRuns(got: Delivery[], n: number): number[] {
  const seen = new Uint8Array(n);
  for (const d of got) seen[indexOf(d)] = 1;
  const runs: number[] = [];
  let run = 0;
  for (let i = 0; i < n; i++) {
    if (seen[i]) {
      if (run > 0) runs.push(run);
      run = 0;
    } else run++;
  }
  if (run > 0) runs.push(run);
  return runs;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
};

/** Deliveries that arrive after one with a higher send index, counted by the test itself. */
function countReordered(got: Delivery[]): number {
  let max = -1;
  let n = 0;
  for (const d of got) {
    const i = indexOf(d);
    if (i < max) n++;
    else max = i;
  }
  return n;
}

describe('sim network', () => {
  const N = 100_000;

  it('random loss converges to the configured probability', () => {
    const { net, got } = stream({ loss: 0.05, latency: 0.01 }, N);
    const s = net.stats(A, B);
    assert.equal(s.sent, N);
    assert.equal(s.delivered, got.length);
    assert.equal(s.lost + s.delivered, N);
    assert.equal(N - new Set(got.map(indexOf)).size, s.lost);
    assert.ok(Math.abs(s.lost / N - 0.05) < 0.004, `loss ${s.lost / N}`); // σ ≈ 0.0007
    // Independent loss: runs are short (mean 1 / (1 - p)).
    assert.ok(mean(lossRuns(got, N)) < 1.1);
  });

  it('Gilbert–Elliott loss comes in bursts of mean length 1 / p(bad→good)', () => {
    const pGoodToBad = 0.01;
    const pBadToGood = 0.25;
    const { net, got } = stream({ burstLoss: { pGoodToBad, pBadToGood } }, N);
    const runs = lossRuns(got, N);
    const m = mean(runs);
    assert.ok(Math.abs(m - 1 / pBadToGood) < 0.4, `mean burst ${m} over ${runs.length} bursts`);
    const rate = net.stats(A, B).lost / N;
    const theory = pGoodToBad / (pGoodToBad + pBadToGood);
    assert.ok(Math.abs(rate - theory) < 0.006, `loss ${rate}, theory ${theory}`);
  });

  it('Gilbert–Elliott with partial loss in the bad state still matches the stationary loss rate', () => {
    const ge = { pGoodToBad: 0.02, pBadToGood: 0.1, lossInBad: 0.5, lossInGood: 0.01 };
    const { net } = stream({ burstLoss: ge }, N);
    const piBad = ge.pGoodToBad / (ge.pGoodToBad + ge.pBadToGood);
    const theory = piBad * ge.lossInBad + (1 - piBad) * ge.lossInGood;
    const rate = net.stats(A, B).lost / N;
    assert.ok(Math.abs(rate - theory) < 0.01, `loss ${rate}, theory ${theory}`);
  });

  for (const jitterDistribution of ['uniform', 'normal'] as const) {
    it(`${jitterDistribution} jitter stays within [latency, latency + jitter]`, () => {
      const latency = 0.01;
      const jitter = 0.005;
      const { got } = stream({ latency, jitter, jitterDistribution }, N);
      assert.equal(got.length, N);
      const delays = got.map((d) => d.time - d.sentAt);
      const lo = delays.reduce((m, x) => Math.min(m, x), Infinity);
      const hi = delays.reduce((m, x) => Math.max(m, x), -Infinity);
      assert.ok(lo >= latency - 1e-12 && hi <= latency + jitter + 1e-12, `${lo}..${hi}`);
      assert.ok(Math.abs(mean(delays) - (latency + jitter / 2)) < 0.0001);
      const expectedSd = jitter / Math.sqrt(jitterDistribution === 'uniform' ? 12 : 48);
      assert.ok(Math.abs(sd(delays) / expectedSd - 1) < 0.05, `sd ${sd(delays)}`);
      if (jitterDistribution === 'uniform') assert.ok(lo < latency + 0.0001 && hi > latency + jitter - 0.0001);
    });
  }

  it('reorders when jitter exceeds the packet spacing, and counts it as the receiver sees it', () => {
    const { net, got } = stream({ latency: 0.01, jitter: 4 * SPACING }, N);
    const s = net.stats(A, B);
    assert.ok(s.reordered > N / 10, `reordered ${s.reordered}`);
    assert.equal(s.reordered, countReordered(got));
  });

  it('never reorders without jitter and reorder probability, even with loss', () => {
    const { net, got } = stream({ latency: 0.02, loss: 0.1 }, N);
    assert.equal(net.stats(A, B).reordered, 0);
    const idx = got.map(indexOf);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i]! > idx[i - 1]!);
  });

  it('keeps send order for equal delivery times', () => {
    const net = new SimNetwork({ random: seededRandom(3), link: { latency: 0.01 } });
    for (let i = 0; i < 1000; i++) net.send(A, B, packet(i), 0.5);
    assert.deepEqual(
      net.deliverDue(1).map(indexOf),
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it('explicit reorder probability holds packets back so later ones overtake them', () => {
    const { net, got } = stream({ latency: 0.01, reorder: 0.1, reorderDelay: 0.005 }, N);
    const s = net.stats(A, B);
    assert.equal(s.reordered, countReordered(got));
    assert.ok(Math.abs(s.reordered / N - 0.1) < 0.01, `reordered ${s.reordered}`);
    assert.equal(s.delivered, N);
  });

  it('duplicates: counted, delivered as independent copies', () => {
    const { net, got } = stream({ latency: 0.01, jitter: 0.002, duplicate: 0.1 }, N);
    const s = net.stats(A, B);
    assert.ok(Math.abs(s.duplicated / N - 0.1) < 0.005, `duplicated ${s.duplicated}`);
    assert.equal(s.delivered, N + s.duplicated);
    assert.equal(got.filter((d) => d.duplicate).length, s.duplicated);
    const copies = new Uint8Array(N);
    for (const d of got) copies[indexOf(d)]!++;
    assert.ok(copies.every((c) => c === 1 || c === 2));
    assert.equal(copies.filter((c) => c === 2).length, s.duplicated);
    const dup = got.find((d) => d.duplicate)!;
    const original = got.find((d) => d.seq === dup.seq && !d.duplicate)!;
    assert.deepEqual(original.bytes, dup.bytes);
    dup.bytes[7] = 0xaa;
    assert.equal(original.bytes[7], 0);
  });

  it('copies the bytes at send time (Buffer views included)', () => {
    const net = new SimNetwork({ random: seededRandom(1), link: { latency: 0.001 } });
    const backing = Buffer.from([0, 0, 0, 0, 0, 0, 0, 7, 9]);
    const view = backing.subarray(4, 8);
    net.send(A, B, view, 0);
    backing.fill(0xff);
    net.send(A, B, new Uint8Array([1, 2, 3]), 0);
    const [d, e] = net.deliverDue(1);
    assert.deepEqual([...d!.bytes], [0, 0, 0, 7]);
    assert.equal(d!.bytes.byteOffset % 8, 0);
    e!.bytes.fill(0);
    d!.bytes.fill(0xee, 0, 8); // clamped to its own 4 bytes
    assert.deepEqual([...d!.bytes], [0xee, 0xee, 0xee, 0xee]);
    assert.deepEqual([...e!.bytes], [0, 0, 0]);
  });

  it('receive() hands out one endpoint’s packets in arrival order; links are per direction', () => {
    const net = new SimNetwork({ random: seededRandom(5) });
    net.setLink(A, B, { latency: 0.01, jitter: 0.02 });
    net.setLink(A, C, { latency: 0.002 });
    net.setPath(B, C, { latency: 0.03 });
    for (let i = 0; i < 100; i++) {
      net.send(A, B, packet(i), i * 0.001);
      net.send(A, C, packet(1000 + i), i * 0.001);
      net.send(C, B, packet(2000 + i), i * 0.001);
    }
    assert.equal(net.nextDeliveryTime(C), 0.002);
    assert.equal(net.nextDeliveryTime(), 0.002);
    assert.ok(net.nextDeliveryTime(B) >= 0.01);
    assert.equal(net.nextDeliveryTime('10.9.9.9:1'), Infinity);

    const atC = net.receive(C, 0.0505);
    assert.deepEqual(
      atC.map(indexOf),
      Array.from({ length: 48 + 1 }, (_, i) => 1000 + i),
    );
    const atB = net.receive(B, 1);
    assert.equal(atB.length, 200);
    assert.ok(atB.every((d) => d.to === B));
    for (let i = 1; i < atB.length; i++) assert.ok(atB[i]!.time >= atB[i - 1]!.time);
    assert.equal(net.stats(C, B).delivered, 100);
    assert.ok(atB.filter((d) => d.from === C).every((d) => Math.abs(d.time - d.sentAt - 0.03) < 1e-12));

    const rest = net.deliverDue(1);
    assert.equal(rest.length, 51);
    assert.ok(rest.every((d) => d.to === C));
    assert.equal(net.pending, 0);
    assert.deepEqual(net.totals(), { sent: 300, delivered: 300, lost: 0, duplicated: 0, reordered: net.stats(A, B).reordered });
  });

  it('rejects bad configs', () => {
    const net = new SimNetwork({ random: seededRandom(1) });
    assert.throws(() => net.setLink(A, B, { loss: 1.5 }), RangeError);
    assert.throws(() => net.setLink(A, B, { latency: -1 }), RangeError);
    assert.throws(() => net.setLink(A, B, { burstLoss: { pGoodToBad: Number.NaN, pBadToGood: 0.5 } }), RangeError);
  });

  describe('determinism', () => {
    const impaired: LinkConfig = {
      latency: 0.02,
      jitter: 0.01,
      jitterDistribution: 'normal',
      loss: 0.02,
      burstLoss: { pGoodToBad: 0.005, pBadToGood: 0.3 },
      reorder: 0.01,
      duplicate: 0.01,
    };
    function trace(seed: number): string[] {
      const net = new SimNetwork({ random: seededRandom(seed), link: impaired });
      const out: string[] = [];
      for (let i = 0; i < 20_000; i++) {
        const now = i * SPACING;
        net.send(A, B, packet(i), now);
        net.send(B, A, packet(i), now);
        for (const d of net.deliverDue(now)) out.push(`${d.to} ${indexOf(d)} ${d.time} ${d.duplicate}`);
      }
      for (const d of net.deliverDue(Infinity)) out.push(`${d.to} ${indexOf(d)} ${d.time} ${d.duplicate}`);
      return out;
    }

    it('same seed, identical delivery sequence; different seed, different', () => {
      const a = trace(42);
      assert.deepEqual(trace(42), a);
      assert.notDeepEqual(trace(43), a);
    });
  });

  it('10 simulated minutes at 750 packets/s each way runs fast', function () {
    this.timeout(60_000);
    const started = performance.now();
    const net = new SimNetwork({
      random: seededRandom(7),
      link: { latency: 0.015, jitter: 0.005, loss: 0.01, burstLoss: { pGoodToBad: 0.001, pBadToGood: 0.3 }, duplicate: 0.001 },
    });
    const n = 750 * 600;
    const bytes = new Uint8Array(300);
    let received = 0;
    for (let i = 0; i < n; i++) {
      const now = i * SPACING;
      net.send(A, B, bytes, now);
      net.send(B, A, bytes, now);
      received += net.receive(A, now).length + net.receive(B, now).length;
    }
    received += net.deliverDue(Infinity).length;
    const t = net.totals();
    assert.equal(t.sent, 2 * n);
    assert.equal(received, t.delivered);
    assert.equal(t.delivered, t.sent - t.lost + t.duplicated);
    const ms = performance.now() - started;
    console.log(`      ${(2 * n).toLocaleString('en')} packets in ${ms.toFixed(0)} ms (${t.lost} lost, ${t.reordered} reordered)`);
  });
});
