import { strict as assert } from 'node:assert';
import { readCaptureFile } from '../../src/cli/capture-file.ts';
import {
  DEFAULT_MAX_TCP_FRAME,
  frameTcpMessage,
  isTcpFrameError,
  TcpReassembler,
  type TcpFrameError,
} from '../../src/protocol/aoo/tcp-framing.ts';
import { type Random, seededRandom } from '../../src/util/random.ts';

// shared/ sits next to the checkout root.
const repoRoot = new URL('../../', import.meta.url);
const vectorsDir = new URL('../shared/aoo/vectors/', repoRoot);

const packets = ['ref-client-server-tcp.txt', 'ref-relay-tcp.txt'].flatMap(
  (f) => readCaptureFile(new URL(f, vectorsDir)).packets,
);
const messages = packets.map((p) => p.bytes);
const stream = Buffer.concat(packets.map((p) => p.framed!));

/** Random chunk sizes: often 1 byte, often short (splitting prefixes), sometimes several frames. */
function randomChunks(data: Uint8Array, random: Random): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const r = random();
    const size = r < 0.3 ? 1 : r < 0.6 ? 1 + Math.floor(random() * 8) : 1 + Math.floor(random() * 600);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

function drain(r: TcpReassembler, out: (Uint8Array | TcpFrameError)[]): void {
  for (let f = r.next(); f !== undefined; f = r.next()) out.push(f);
}

function frame(msg: Uint8Array): Uint8Array {
  const out = new Uint8Array(msg.length + 4);
  assert.equal(frameTcpMessage(msg, out, 0), out.length);
  return out;
}

const oscMessage = (path: string): Uint8Array => {
  const n = (path.length + 4) & ~3; // padded path plus ",\0\0\0"
  const b = new Uint8Array(n + 4);
  b.set(Buffer.from(path, 'latin1'));
  b[n] = 0x2c;
  return b;
};

describe('tcp-framing: reassembly of the reference TCP captures', () => {
  it('has the frames of both files', () => {
    assert.equal(packets.length, 37 + 57);
    assert.equal(stream.length, messages.reduce((n, m) => n + m.length + 4, 0));
  });

  it('yields every frame in order for 300 random chunkings', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const r = new TcpReassembler();
      const got: (Uint8Array | TcpFrameError)[] = [];
      for (const chunk of randomChunks(stream, random)) {
        r.push(chunk);
        // Sometimes let several chunks pile up before reading.
        if (random() < 0.5) drain(r, got);
      }
      drain(r, got);
      assert.deepEqual(got, messages, `seed ${seed}`);
      assert.equal(r.buffered, 0);
      assert.equal(r.failed, undefined);
    }
  });

  it('copes with 1-byte chunks', () => {
    const r = new TcpReassembler();
    const got: (Uint8Array | TcpFrameError)[] = [];
    for (let i = 0; i < stream.length; i++) {
      r.push(stream.subarray(i, i + 1));
      drain(r, got);
    }
    assert.deepEqual(got, messages);
  });

  it('splits coalesced frames pushed as one chunk (iterator)', () => {
    const r = new TcpReassembler();
    r.push(stream);
    assert.deepEqual([...r], messages);
    assert.equal(r.next(), undefined);
  });

  it('keeps a prefix split across chunks', () => {
    const r = new TcpReassembler();
    const first = packets[0]!.framed!;
    r.push(first.subarray(0, 2));
    assert.equal(r.next(), undefined);
    r.push(first.subarray(2, 5));
    assert.equal(r.next(), undefined);
    r.push(first.subarray(5));
    assert.deepEqual(r.next(), messages[0]);
  });

  it('returns frames that stay valid after later pushes', () => {
    const r = new TcpReassembler();
    const held: Uint8Array[] = [];
    for (const p of packets) {
      r.push(p.framed!);
      held.push(r.next() as Uint8Array);
      r.push(new Uint8Array(0));
    }
    assert.deepEqual(held, messages);
  });

  // A reassembler that copied its whole buffer per push would not finish this within mocha's timeout.
  it('handles a 1 MiB frame in 13-byte chunks', () => {
    const big = Uint8Array.from({ length: DEFAULT_MAX_TCP_FRAME }, (_, i) => i & 0xff);
    big[0] = 0x2f;
    const wire = Buffer.concat([frame(big), packets[0]!.framed!]);
    const r = new TcpReassembler();
    const got: (Uint8Array | TcpFrameError)[] = [];
    for (let at = 0; at < wire.length; at += 13) {
      r.push(wire.subarray(at, at + 13));
      drain(r, got);
    }
    assert.equal(got.length, 2);
    assert.ok(Buffer.from(got[0] as Uint8Array).equals(big));
    assert.deepEqual(got[1], messages[0]);
  });
});

describe('tcp-framing: errors', () => {
  const valid = packets[0]!.framed!;

  function run(wire: number[] | Uint8Array, options?: { maxFrameLength: number }): (Uint8Array | TcpFrameError)[] {
    const r = new TcpReassembler(options);
    r.push(Uint8Array.from(wire));
    const got: (Uint8Array | TcpFrameError)[] = [];
    drain(r, got);
    // Failed for good: more input is dropped and nothing more comes out.
    r.push(valid);
    assert.equal(r.next(), undefined);
    assert.equal(r.buffered, 0);
    assert.deepEqual(r.failed, got.at(-1));
    return got;
  }

  const cases: [string, number[], TcpFrameError['kind'], number][] = [
    ['length 0', [0, 0, 0, 0], 'bad-length', 0],
    ['length 5', [0, 0, 0, 5, 0x2f, 0, 0, 0, 0], 'bad-length', 5],
    ['negative length', [0xff, 0xff, 0xff, 0xfc], 'bad-length', -4],
    ['too large', [0, 0x10, 0, 4], 'too-large', DEFAULT_MAX_TCP_FRAME + 4],
    ['a bundle', [0, 0, 0, 16, ...Buffer.from('#bundle\0'), 0, 0, 0, 0, 0, 0, 0, 1], 'not-osc', 16],
    ['first byte not /', [0, 0, 0, 4, 0x61], 'not-osc', 4],
  ];
  for (const [what, bad, kind, length] of cases) {
    it(`${what}: a '${kind}' error after the good frames before it`, () => {
      const got = run([...valid, ...valid, ...bad, ...valid]);
      assert.equal(got.length, 3);
      assert.deepEqual(got.slice(0, 2), [messages[0], messages[0]]);
      const e = got[2];
      assert.ok(isTcpFrameError(e));
      assert.equal(e.kind, kind);
      assert.equal(e.length, length);
      assert.equal(typeof e.detail, 'string');
    });
  }

  it('reports too-large and not-osc without waiting for the payload', () => {
    assert.equal((run([0, 0x20, 0, 0])[0] as TcpFrameError).kind, 'too-large');
    assert.equal((run([0, 0, 0, 8, 0x23])[0] as TcpFrameError).kind, 'not-osc');
  });

  it('honours a configured maximum', () => {
    const msg = oscMessage('/aoo/a/long/path/x');
    assert.equal(msg.length, 24);
    const r = new TcpReassembler({ maxFrameLength: 24 });
    r.push(frame(msg));
    assert.deepEqual(r.next(), msg);
    const e = run(frame(msg), { maxFrameLength: 20 })[0];
    assert.ok(isTcpFrameError(e));
    assert.equal(e.kind, 'too-large');
    assert.equal(e.length, 24);
  });

  it('never throws on random bytes', () => {
    const random = seededRandom(99);
    for (let round = 0; round < 500; round++) {
      const junk = Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      const r = new TcpReassembler({ maxFrameLength: 64 });
      const got: (Uint8Array | TcpFrameError)[] = [];
      for (const chunk of randomChunks(junk, random)) {
        r.push(chunk);
        drain(r, got);
      }
      assert.ok(got.filter(isTcpFrameError).length <= 1);
    }
  });
});

describe('tcp-framing: frameTcpMessage', () => {
  it('reproduces the captured wire bytes, prefix included', () => {
    const out = new Uint8Array(stream.length + 3);
    let at = 3;
    for (const m of messages) {
      const n = frameTcpMessage(m, out, at);
      assert.equal(n, m.length + 4);
      at += n;
    }
    assert.equal(at, out.length);
    assert.deepEqual(out.subarray(3), Uint8Array.from(stream));
  });

  it('returns -1 and writes nothing when there is no room', () => {
    const m = messages[0]!;
    const out = new Uint8Array(m.length + 4);
    assert.equal(frameTcpMessage(m, out, 1), -1);
    assert.equal(frameTcpMessage(m, out, -1), -1);
    assert.equal(frameTcpMessage(m, out.subarray(1), 0), -1);
    assert.deepEqual(out, new Uint8Array(m.length + 4));
    assert.equal(frameTcpMessage(m, out, 0), m.length + 4);
  });

  it('writes into a view at the right place', () => {
    const backing = new Uint8Array(100);
    const view = backing.subarray(10, 10 + 28);
    assert.equal(frameTcpMessage(messages[0]!, view, 0), 28);
    assert.deepEqual(backing.subarray(10, 38), packets[0]!.framed);
  });
});
