import { strict as assert } from 'node:assert';
import { parseControl, readBlockSamples } from '../../src/engine/control-protocol.ts';
import { ControlWriter } from '../../src/engine/control-writer.ts';
import { type OscArg, decodeOscMessage, encodeOscMessageToBytes } from '../../src/protocol/osc/index.ts';
import { seededRandom } from '../../src/util/random.ts';
import { fuzzInputs } from '../support/fuzz-inputs.ts';
import { atomsOf } from './sim-engine.ts';

function osc(address: string, ...args: OscArg[]): Uint8Array {
  const r = encodeOscMessageToBytes({ address, args });
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}
const f = (value: number): OscArg => ({ type: 'f', value });
const i = (value: number): OscArg => ({ type: 'i', value });
const s = (value: string): OscArg => ({ type: 's', value });

describe('engine control protocol', () => {
  describe('host → engine', () => {
    it('reads /open as Pd sends it (floats), with and without a latency', () => {
      assert.deepEqual(parseControl(osc('/open', s('receive'), f(48000), f(64), f(2), f(9000), f(1), f(50))), {
        kind: 'open',
        config: { kind: 'receive', sampleRate: 48000, blockSize: 64, channels: 2, port: 9000, id: 1, latencyMs: 50 },
      });
      const r = parseControl(osc('/open', s('send'), i(44100), i(64), i(1), i(0), i(7)));
      assert.equal(r.kind, 'open');
      assert.equal(r.kind === 'open' && 'latencyMs' in r.config && r.config.latencyMs, undefined);
    });

    it('reads /open of a client or a server: kind and port', () => {
      assert.deepEqual(parseControl(osc('/open', s('client'), f(9000))), { kind: 'open', config: { kind: 'client', port: 9000 } });
      assert.deepEqual(parseControl(osc('/open', s('server'), i(0))), { kind: 'open', config: { kind: 'server', port: 0 } });
    });

    it('refuses /open with a bad kind, a fractional channel count, a huge port, extra arguments', () => {
      for (const bad of [
        osc('/open', s('client')),
        osc('/open', s('client'), f(9000.5)),
        osc('/open', s('server'), f(-1)),
        osc('/open', s('server'), f(7078), f(1)),
        osc('/open', s('client'), s('9000')),
        osc('/open', s('sink'), f(48000), f(64), f(2), f(9000), f(1)),
        osc('/open', s('send'), f(48000), f(64), f(2.5), f(9000), f(1)),
        osc('/open', s('send'), f(48000), f(64), f(2), f(70000), f(1)),
        osc('/open', s('send'), f(48000), f(64), f(2), f(9000), f(1), f(25), f(3)),
        osc('/open', s('send'), f(48000), f(64), f(0), f(9000), f(1)),
        osc('/open', s('send')),
      ]) {
        const r = parseControl(bad);
        assert.equal(r.kind, 'invalid', JSON.stringify(r));
      }
    });

    it('reads /blk samples bit-exactly and checks their count', () => {
      const samples = [0.1, -0.25, Math.fround(1 / 3), -1];
      const r = parseControl(osc('/blk', f(16777215), ...samples.map(f)));
      assert.equal(r.kind, 'block');
      if (r.kind !== 'block') return;
      assert.equal(r.tick, 16777215);
      const into = new Float32Array(4);
      assert.equal(readBlockSamples(r.samples, into), null);
      assert.deepEqual([...into], samples.map(Math.fround));
      const r2 = parseControl(osc('/blk', f(1), f(0.5)));
      assert.ok(r2.kind === 'block' && readBlockSamples(r2.samples, new Float32Array(2))?.includes('1 samples (expected 2)'));
      const r3 = parseControl(osc('/blk', f(1), f(0.5), s('x')));
      assert.ok(r3.kind === 'block' && readBlockSamples(r3.samples, new Float32Array(2))?.includes('expected "f"'));
    });

    it('refuses ticks that are not whole numbers in 0 … 2^24 − 1', () => {
      for (const t of [-1, 0.5, 2 ** 24, NaN]) assert.equal(parseControl(osc('/tick', f(t))).kind, 'invalid', String(t));
      assert.deepEqual(parseControl(osc('/tick', f(0))), { kind: 'tick', tick: 0 });
      assert.equal(parseControl(osc('/tick')).kind, 'invalid');
    });

    it('reads methods with their tick, offset, selector and atoms', () => {
      assert.deepEqual(parseControl(osc('/m', f(12), f(10.5), s('add'), s('127.0.0.1'), f(9000), f(1))), {
        kind: 'method',
        tick: 12,
        offset: 10.5,
        selector: 'add',
        args: ['127.0.0.1', 9000, 1],
      });
      assert.equal(parseControl(osc('/m', f(12), f(0), f(3))).kind, 'invalid');
      assert.equal(parseControl(osc('/m', f(12), f(0), s('x'), { type: 'b', value: new Uint8Array(3) })).kind, 'invalid');
    });

    it('reads heartbeats and probes; anything else is invalid, never an exception', () => {
      assert.deepEqual(parseControl(osc('/hb')), { kind: 'heartbeat' });
      assert.equal(parseControl(osc('/hb', f(3))).kind, 'invalid');
      assert.deepEqual(parseControl(osc('/probe')), { kind: 'probe' });
      assert.equal(parseControl(osc('/nope')).kind, 'invalid');
      assert.equal(parseControl(new TextEncoder().encode('add 1 2 3;')).kind, 'invalid');
      const seeds = [osc('/open', s('send'), f(48000), f(64), f(2), f(9000), f(1)), osc('/blk', f(3), f(0.5), f(0.25)), osc('/m', f(1), f(2), s('list'), f(0), s('text'), f(65))];
      let parsed = 0;
      for (const bytes of fuzzInputs(seeds, seededRandom(7), 20000)) {
        const r = parseControl(bytes);
        if (r.kind === 'block') readBlockSamples(r.samples, new Float32Array(2));
        parsed++;
      }
      assert.equal(parsed, 20000);
    });
  });

  describe('engine → host', () => {
    const w = new ControlWriter();
    const decode = (bytes: Uint8Array | null) => {
      assert.ok(bytes !== null);
      const r = decodeOscMessage(bytes);
      assert.ok(r.ok);
      return { address: r.value.address, tags: r.value.args.map((a) => a.type).join(''), atoms: atomsOf(r.value.args) };
    };

    it('writes output blocks as floats, bit-exactly, after the tick', () => {
      const samples = new Float32Array([0.1, -0.2, 1e-30, -1]);
      const m = decode(w.out(5, samples));
      assert.deepEqual(m, { address: '/out', tags: 'fffff', atoms: [5, ...samples] });
    });

    it('writes events with numbers as f and words as s, errors one word per string', () => {
      assert.deepEqual(decode(w.event('add', ['127.0.0.1', 9000, 1])), { address: '/ev', tags: 'ssff', atoms: ['add', '127.0.0.1', 9000, 1] });
      assert.deepEqual(decode(w.eventAt(9, 17, 'msg', ['::1', 9000, 2, 0, 'text', 104, 105])).atoms, [9, 17, 'msg', '::1', 9000, 2, 0, 'text', 104, 105]);
      assert.deepEqual(decode(w.error('aoo.send~ 9000 1:  unknown method "foo"')).atoms, ['aoo.send~', '9000', '1:', 'unknown', 'method', '"foo"']);
      assert.deepEqual(decode(w.keep(['add', 'localhost', 9001, 1, 1])).atoms, ['add', 'add', 'localhost', 9001, 1, 1]);
      assert.deepEqual(decode(w.ready(true)).atoms, [1]);
    });

    it('returns null for what does not fit one datagram', () => {
      assert.equal(w.event('msg', new Array<number>(17000).fill(1)), null);
      assert.ok(w.event('msg', [1]) !== null, 'the writer works again afterwards');
    });
  });
});
