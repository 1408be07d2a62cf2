import type { Random } from '../../../src/util/random.ts';

/** An endpoint: 'address:port', e.g. '10.0.0.1:9000'. */
export type Address = string;

/** Impairments of one link direction. Times in seconds, probabilities in [0, 1]; all default 0. */
export interface LinkConfig {
  /** Base one-way delay. */
  latency?: number;
  /** Extra delay in [0, jitter], drawn per packet; reordering follows when it exceeds the packet spacing. */
  jitter?: number;
  /** 'uniform' (default), or 'normal': bell-shaped (Irwin–Hall of 4), mean jitter/2, still bounded. */
  jitterDistribution?: 'uniform' | 'normal';
  /** Independent random loss. */
  loss?: number;
  /** Gilbert–Elliott bursty loss, combined with `loss` (a packet survives only if both let it). */
  burstLoss?: GilbertElliott;
  /** Probability a packet is held back by `reorderDelay`, so later packets overtake it. */
  reorder?: number;
  /** Default 0.005. */
  reorderDelay?: number;
  /** Probability a second copy is delivered (with its own jitter). */
  duplicate?: number;
}

export interface GilbertElliott {
  /** Per packet, good → bad. */
  pGoodToBad: number;
  /** Per packet, bad → good; the mean bad run is 1 / pBadToGood packets. */
  pBadToGood: number;
  /** Default 1. */
  lossInBad?: number;
  /** Default 0. */
  lossInGood?: number;
}

export interface LinkStats {
  /** send() calls. */
  sent: number;
  /** Copies handed out by deliverDue/receive, duplicates included. */
  delivered: number;
  lost: number;
  /** Extra copies created. */
  duplicated: number;
  /** Delivered copies that arrive after a packet sent later on the same link. */
  reordered: number;
}

export interface Delivery {
  from: Address;
  to: Address;
  /**
   * A private copy; the receiver may keep or mutate it. Like a pooled Node Buffer it is a view
   * into a shared slab: byteOffset is usually not 0 (it is a multiple of 8).
   */
  bytes: Uint8Array;
  sentAt: number;
  /** Global seconds of arrival. */
  time: number;
  /** Network-wide send order (a duplicate shares its original's). */
  seq: number;
  duplicate: boolean;
}

interface Link {
  config: Required<Omit<LinkConfig, 'burstLoss'>> & { burstLoss: Required<GilbertElliott> | undefined };
  bad: boolean;
  maxDeliveredSeq: number;
  stats: LinkStats;
}

interface InFlight extends Delivery {
  link: Link;
}

const SLAB = 1 << 16;

/**
 * Copies into 64 KiB slabs, as Buffer.allocUnsafe pools small buffers: one fresh ArrayBuffer
 * per packet made garbage collection the main cost of a long simulation.
 */
class CopyPool {
  private slab = new ArrayBuffer(SLAB);
  private used = 0;

  copy(bytes: Uint8Array): Uint8Array {
    const n = bytes.byteLength;
    if (n > SLAB / 8) return new Uint8Array(bytes);
    if (this.used + n > SLAB) {
      this.slab = new ArrayBuffer(SLAB);
      this.used = 0;
    }
    const out = new Uint8Array(this.slab, this.used, n);
    out.set(bytes);
    this.used += (n + 7) & ~7;
    return out;
  }
}

const earlier = (a: InFlight, b: InFlight) => a.time < b.time || (a.time === b.time && a.seq < b.seq);

/** Binary min-heap by (time, seq): equal times come out in send order. */
class DeliveryHeap {
  private readonly items: InFlight[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): InFlight | undefined {
    return this.items[0];
  }

  push(item: InFlight): void {
    const a = this.items;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(item, a[parent]!)) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = item;
  }

  pop(): InFlight | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    const n = a.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && earlier(a[child + 1]!, a[child]!)) child++;
      if (!earlier(a[child]!, last)) break;
      a[i] = a[child]!;
      i = child;
    }
    a[i] = last;
    return top;
  }
}

function normalize(c: LinkConfig): Link['config'] {
  const prob = (name: string, v: number) => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`SimNetwork: ${name} must be in [0, 1], got ${v}`);
    return v;
  };
  const time = (name: string, v: number) => {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`SimNetwork: ${name} must be >= 0, got ${v}`);
    return v;
  };
  const ge = c.burstLoss;
  return {
    latency: time('latency', c.latency ?? 0),
    jitter: time('jitter', c.jitter ?? 0),
    jitterDistribution: c.jitterDistribution ?? 'uniform',
    loss: prob('loss', c.loss ?? 0),
    burstLoss: ge && {
      pGoodToBad: prob('pGoodToBad', ge.pGoodToBad),
      pBadToGood: prob('pBadToGood', ge.pBadToGood),
      lossInBad: prob('lossInBad', ge.lossInBad ?? 1),
      lossInGood: prob('lossInGood', ge.lossInGood ?? 0),
    },
    reorder: prob('reorder', c.reorder ?? 0),
    reorderDelay: time('reorderDelay', c.reorderDelay ?? 0.005),
    duplicate: prob('duplicate', c.duplicate ?? 0),
  };
}

export interface SimNetworkOptions {
  /** Drives every impairment; pass seededRandom(seed). */
  random: Random;
  /** Config of links not set with setLink/setPath. Default: perfect, zero latency. */
  link?: LinkConfig;
}

/**
 * Datagram network in simulated time. Nothing happens on its own: send() schedules copies,
 * deliverDue()/receive() hand out those due at a given time, in (time, send order) order.
 */
export class SimNetwork {
  private readonly random: Random;
  private readonly defaults: Link['config'];
  private readonly links = new Map<Address, Map<Address, Link>>();
  private readonly queues = new Map<Address, DeliveryHeap>();
  private readonly pool = new CopyPool();
  private seq = 0;
  private inFlight = 0;

  constructor({ random, link = {} }: SimNetworkOptions) {
    this.random = random;
    this.defaults = normalize(link);
  }

  /** Sets the impairments of one direction; counters and loss state are kept. */
  setLink(from: Address, to: Address, config: LinkConfig): void {
    this.link(from, to).config = normalize(config);
  }

  /** Same config both ways. */
  setPath(a: Address, b: Address, config: LinkConfig): void {
    this.setLink(a, b, config);
    this.setLink(b, a, config);
  }

  stats(from: Address, to: Address): Readonly<LinkStats> {
    return this.link(from, to).stats;
  }

  /** Sum over all links. */
  totals(): LinkStats {
    const t: LinkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0 };
    for (const byTo of this.links.values()) {
      for (const { stats: s } of byTo.values()) {
        t.sent += s.sent;
        t.delivered += s.delivered;
        t.lost += s.lost;
        t.duplicated += s.duplicated;
        t.reordered += s.reordered;
      }
    }
    return t;
  }

  /** Copies still in flight. */
  get pending(): number {
    return this.inFlight;
  }

  /** Copies `bytes` and schedules its delivery, or loses it. */
  send(from: Address, to: Address, bytes: Uint8Array, now: number): void {
    if (!Number.isFinite(now)) throw new RangeError(`SimNetwork.send: bad time ${now}`);
    const link = this.link(from, to);
    const c = link.config;
    const rnd = this.random;
    const seq = this.seq++;
    link.stats.sent++;

    let lost = false;
    const ge = c.burstLoss;
    if (ge) {
      // Loss is decided in the current state, then the state moves: bad runs are geometric, mean 1/pBadToGood.
      const p = link.bad ? ge.lossInBad : ge.lossInGood;
      if (p > 0 && rnd() < p) lost = true;
      if (rnd() < (link.bad ? ge.pBadToGood : ge.pGoodToBad)) link.bad = !link.bad;
    }
    if (c.loss > 0 && rnd() < c.loss) lost = true;
    if (lost) {
      link.stats.lost++;
      return;
    }

    let delay = this.delay(c);
    if (c.reorder > 0 && rnd() < c.reorder) delay += c.reorderDelay;
    this.schedule({ from, to, bytes: this.pool.copy(bytes), sentAt: now, time: now + delay, seq, duplicate: false, link });
    if (c.duplicate > 0 && rnd() < c.duplicate) {
      link.stats.duplicated++;
      const time = now + this.delay(c);
      this.schedule({ from, to, bytes: this.pool.copy(bytes), sentAt: now, time, seq, duplicate: true, link });
    }
  }

  /** Earliest pending arrival, for one endpoint or any; Infinity if none. */
  nextDeliveryTime(to?: Address): number {
    if (to !== undefined) return this.queues.get(to)?.peek()?.time ?? Infinity;
    let t = Infinity;
    for (const q of this.queues.values()) t = Math.min(t, q.peek()?.time ?? Infinity);
    return t;
  }

  /** Everything due by `now`, for every endpoint, in arrival order. */
  deliverDue(now: number): Delivery[] {
    const out: Delivery[] = [];
    for (;;) {
      let best: DeliveryHeap | undefined;
      for (const q of this.queues.values()) {
        const top = q.peek();
        if (top && top.time <= now && (!best || earlier(top, best.peek()!))) best = q;
      }
      if (!best) return out;
      out.push(this.take(best));
    }
  }

  /** What is due by `now` for one endpoint, in arrival order. */
  receive(to: Address, now: number): Delivery[] {
    const out: Delivery[] = [];
    const q = this.queues.get(to);
    if (!q) return out;
    while ((q.peek()?.time ?? Infinity) <= now) out.push(this.take(q));
    return out;
  }

  private delay(c: Link['config']): number {
    if (c.jitter === 0) return c.latency;
    const rnd = this.random;
    const u = c.jitterDistribution === 'normal' ? (rnd() + rnd() + rnd() + rnd()) / 4 : rnd();
    return c.latency + u * c.jitter;
  }

  private schedule(item: InFlight): void {
    let q = this.queues.get(item.to);
    if (!q) this.queues.set(item.to, (q = new DeliveryHeap()));
    q.push(item);
    this.inFlight++;
  }

  private take(q: DeliveryHeap): Delivery {
    const item = q.pop()!;
    this.inFlight--;
    const { link } = item;
    link.stats.delivered++;
    if (item.seq < link.maxDeliveredSeq) link.stats.reordered++;
    else link.maxDeliveredSeq = item.seq;
    const { from, to, bytes, sentAt, time, seq, duplicate } = item;
    return { from, to, bytes, sentAt, time, seq, duplicate };
  }

  private link(from: Address, to: Address): Link {
    let byTo = this.links.get(from);
    if (!byTo) this.links.set(from, (byTo = new Map()));
    let link = byTo.get(to);
    if (!link) {
      link = {
        config: this.defaults,
        bad: false,
        maxDeliveredSeq: -1,
        stats: { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0 },
      };
      byTo.set(to, link);
    }
    return link;
  }
}
