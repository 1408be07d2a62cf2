import { strict as assert } from 'node:assert';
import { type OracleMessage, TypedMessage } from '../support/osc-js.ts';
import { type OscArg, type OscMessage, OscReader, OscWriter, decodeOscMessage, encodeOscMessageToBytes } from '../../src/protocol/osc/index.ts';
import { type Random, seededRandom } from '../../src/util/random.ts';

type OracleArg = { type: string; value: unknown };

function randomAscii(rnd: Random, min: number, max: number): string {
  const n = min + Math.floor(rnd() * (max - min + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x21 + Math.floor(rnd() * 94));
  return s;
}

function randomArg(rnd: Random): OscArg {
  const types = 'ifsbtdhNTF';
  const t = types[Math.floor(rnd() * types.length)]!;
  switch (t) {
    case 'i':
      return { type: 'i', value: (Math.floor(rnd() * 2 ** 32) | 0) };
    case 'f':
      return { type: 'f', value: Math.fround((rnd() - 0.5) * 1e6) };
    case 'd':
      return { type: 'd', value: (rnd() - 0.5) * 1e300 };
    case 'h':
      return { type: 'h', value: BigInt.asIntN(64, (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32))) };
    case 't':
      return { type: 't', value: (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(1 + Math.floor(rnd() * (2 ** 32 - 1))) };
    case 's':
      return { type: 's', value: randomAscii(rnd, 0, 21) };
    case 'b': {
      const bytes = new Uint8Array(Math.floor(rnd() * 41));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
      return { type: 'b', value: bytes };
    }
    default:
      return { type: t as 'N' | 'T' | 'F' };
  }
}

function randomMessage(rnd: Random): OscMessage {
  const segments = 1 + Math.floor(rnd() * 4);
  let address = '';
  for (let i = 0; i < segments; i++) address += '/' + randomAscii(rnd, 1, 9).replace(/[/#*?,[\]{}]/g, 'x');
  const args: OscArg[] = [];
  const n = Math.floor(rnd() * 9);
  for (let i = 0; i < n; i++) args.push(randomArg(rnd));
  return { address, args };
}

function toOracle(m: OscMessage): OracleMessage {
  const args: OracleArg[] = m.args.map((a) => {
    if (a.type === 'N') return { type: 'N', value: null };
    if (a.type === 'T') return { type: 'T', value: true };
    if (a.type === 'F') return { type: 'F', value: false };
    return { type: a.type, value: a.value };
  });
  return new TypedMessage(m.address, args );
}

function fromOracle(bytes: Uint8Array): { address: string; types: string; args: unknown[] } {
  const msg = new TypedMessage();
  msg.unpack(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { address: msg.address, types: msg.types, args: msg.args as unknown[] };
}

function valuesOf(m: OscMessage): unknown[] {
  return m.args.map((a) => (a.type === 'N' ? null : a.type === 'T' ? true : a.type === 'F' ? false : a.type === 'b' ? [...a.value] : a.value));
}

describe('OSC codec', () => {
  it('encodes 2,000 seeded random messages byte-identically to osc-js', () => {
    const rnd = seededRandom(1);
    for (let k = 0; k < 2000; k++) {
      const m = randomMessage(rnd);
      const ours = encodeOscMessageToBytes(m);
      assert.ok(ours.ok, `message ${k} failed to encode`);
      const theirs = toOracle(m).pack();
      assert.deepEqual(Buffer.from(ours.value).toString('hex'), Buffer.from(theirs).toString('hex'), `message ${k}: ${m.address}`);
    }
  });

  it('decodes what osc-js packs, and osc-js decodes what we pack, to the same values', () => {
    const rnd = seededRandom(2);
    for (let k = 0; k < 2000; k++) {
      const m = randomMessage(rnd);
      const packed = toOracle(m).pack();
      const decoded = decodeOscMessage(packed);
      assert.ok(decoded.ok, `message ${k}: ${decoded.ok ? '' : decoded.error.detail}`);
      assert.equal(decoded.value.address, m.address);
      assert.deepEqual(valuesOf(decoded.value), valuesOf(m));
      assert.deepEqual(decoded.value.args.map((a) => a.type).join(''), m.args.map((a) => a.type).join(''));

      const ours = encodeOscMessageToBytes(m);
      assert.ok(ours.ok);
      const theirs = fromOracle(ours.value);
      assert.equal(theirs.address, m.address);
      assert.equal(theirs.types, ',' + m.args.map((a) => a.type).join(''));
      const expected = valuesOf(m).map((v) => (Array.isArray(v) ? v : v));
      assert.deepEqual(
        theirs.args.map((v) => (v instanceof Uint8Array ? [...v] : v)),
        expected,
      );
    }
  });

  it('round-trips UTF-8 strings exactly (osc-js does not, so this one is checked alone)', () => {
    const m: OscMessage = { address: '/aoo/peer/msg', args: [{ type: 's', value: 'héllo ünïcode 🎵 日本' }, { type: 'i', value: 7 }] };
    const bytes = encodeOscMessageToBytes(m);
    assert.ok(bytes.ok);
    const back = decodeOscMessage(bytes.value);
    assert.ok(back.ok);
    assert.deepEqual(back.value, m);
    assert.equal(bytes.value.length % 4, 0);
  });

  it('decodes blobs as views into the datagram, without copying', () => {
    const bytes = encodeOscMessageToBytes({ address: '/x', args: [{ type: 'b', value: new Uint8Array([9, 8, 7]) }] });
    assert.ok(bytes.ok);
    const m = decodeOscMessage(bytes.value);
    assert.ok(m.ok);
    const blob = m.value.args[0] as { type: 'b'; value: Uint8Array };
    assert.equal(blob.value.buffer, bytes.value.buffer);
    assert.deepEqual([...blob.value], [9, 8, 7]);
  });

  it('accepts a zero timetag, which osc-js refuses', () => {
    const bytes = encodeOscMessageToBytes({ address: '/t', args: [{ type: 't', value: 0n }] });
    assert.ok(bytes.ok);
    const m = decodeOscMessage(bytes.value);
    assert.ok(m.ok);
    assert.deepEqual(m.value.args, [{ type: 't', value: 0n }]);
  });

  describe('bad input gives typed errors, never exceptions', () => {
    const good = encodeOscMessageToBytes({
      address: '/aoo/sink/2/start',
      args: [{ type: 'i', value: 1 }, { type: 's', value: 'abc' }, { type: 'b', value: new Uint8Array(5) }, { type: 't', value: 5n }],
    });
    assert.ok(good.ok);

    it('every truncation past the address is "truncated" or "bad-string"', () => {
      for (let n = 21; n < good.value.length; n++) {
        const r = decodeOscMessage(good.value.subarray(0, n));
        assert.ok(!r.ok, `prefix ${n} decoded`);
        assert.ok(['truncated', 'bad-string'].includes(r.error.kind), `prefix ${n}: ${r.error.kind}`);
      }
    });

    const cases: [string, number[] | string, string][] = [
      ['an empty packet', [], 'truncated'],
      ['a bundle', '#bundle\0', 'not-a-message'],
      ['an address without NUL', '/abcdefg', 'bad-string'],
      ['type tags without ","', '/a\0\0i\0\0\0\0\0\0\0', 'bad-typetag'],
      ['an unknown type tag', '/a\0\0,x\0\0', 'bad-typetag'],
      ['a negative blob size', '/a\0\0,b\0\0\xff\xff\xff\xff', 'bad-size'],
      ['a blob longer than the packet', '/a\0\0,b\0\0\0\0\0\x10abcd', 'truncated'],
      ['invalid UTF-8', '/a\0\0,s\0\0\xc3\x28\0\0', 'bad-utf8'],
    ];
    for (const [what, input, kind] of cases) {
      it(`rejects ${what} as ${kind}`, () => {
        const bytes = typeof input === 'string' ? Uint8Array.from(input, (c) => c.charCodeAt(0)) : Uint8Array.from(input);
        const r = decodeOscMessage(bytes);
        assert.ok(!r.ok);
        assert.equal(r.error.kind, kind);
      });
    }

    it('a typed read of the wrong type is a type-mismatch (strict, as oscpack)', () => {
      const bytes = encodeOscMessageToBytes({ address: '/p', args: [{ type: 'f', value: 1 }] });
      assert.ok(bytes.ok);
      const r = new OscReader();
      assert.equal(r.reset(bytes.value), null);
      assert.equal(r.int(), 0);
      assert.equal(r.error?.kind, 'type-mismatch');
    });

    it('reading past the last argument is missing-argument; leaving arguments is extra-arguments', () => {
      const bytes = encodeOscMessageToBytes({ address: '/p', args: [{ type: 'i', value: 1 }] });
      assert.ok(bytes.ok);
      const r = new OscReader();
      r.reset(bytes.value);
      r.int();
      r.string();
      assert.equal(r.error?.kind, 'missing-argument');
      r.reset(bytes.value);
      assert.equal(r.finish()?.kind, 'extra-arguments');
    });

    it('the writer reports overflow and tag mismatches as values', () => {
      const w = new OscWriter();
      const small = new Uint8Array(12);
      const e1 = w.begin(small, 0, '/aoo/sink/1/ping', 'i').int(1).end();
      assert.equal(typeof e1 === 'number' ? 'ok' : e1.kind, 'overflow');
      const e2 = w.begin(new Uint8Array(64), 0, '/p', 'i').string('x').end();
      assert.equal(typeof e2 === 'number' ? 'ok' : e2.kind, 'type-mismatch');
      const e3 = w.begin(new Uint8Array(64), 0, '/p', 'ii').int(1).end();
      assert.equal(typeof e3 === 'number' ? 'ok' : e3.kind, 'missing-argument');
    });
  });
});
