import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { type CapturedPacket, parseCaptureText, readCaptureFile } from '../src/cli/capture-file.ts';
import { seededRandom } from '../src/util/random.ts';

// shared/ sits next to the checkout root.
const repoRoot = new URL('../', import.meta.url);
const vectorsDir = new URL('../shared/aoo/vectors/', repoRoot);
const vectorFiles = readdirSync(vectorsDir)
  .filter((f) => f.endsWith('.txt') && !f.endsWith('-events.txt'))
  .sort();

const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const errors = (notes: string[]): string[] => notes.filter((n) => n.startsWith('error:'));
const load = (name: string) => readCaptureFile(new URL(name, vectorsDir));
const byLabel = (packets: CapturedPacket[], label: string): CapturedPacket => {
  const p = packets.find((q) => q.label === label);
  assert.ok(p, `no packet labelled ${label}`);
  return p;
};

describe('capture-file: every vector file', () => {
  it('finds the vector files', () => {
    assert.ok(vectorFiles.length >= 12, vectorFiles.join(', '));
  });

  for (const name of vectorFiles) {
    it(name, () => {
      const text = readFileSync(new URL(name, vectorsDir), 'utf8');
      const { packets, notes } = parseCaptureText(text);
      assert.deepEqual(errors(notes), []);

      // Counted independently of the parser: one "===" header or one "len=" per packet, in order.
      const lines = text.split('\n');
      const headers = lines.filter((l) => l.startsWith('===') || /(^| )len=\d+/.test(l));
      const stated = [...text.matchAll(/\((\d+) bytes\)$|(?:^| )len=(\d+)/gm)].map((m) => Number(m[1] ?? m[2]));
      assert.ok(packets.length > 0);
      assert.equal(packets.length, headers.length);
      assert.deepEqual(
        packets.map((p) => p.bytes.length),
        stated,
      );
      assert.deepEqual(
        packets.map((p) => p.index),
        [...packets.keys()],
      );

      const lineSet = new Set(lines);
      for (const p of packets) {
        if (p.transport === 'tcp') {
          assert.ok(p.framed);
          assert.equal(new DataView(p.framed.buffer, p.framed.byteOffset).getUint32(0), p.bytes.length);
          assert.deepEqual(p.framed.subarray(4), p.bytes);
          assert.ok(lineSet.has(`   hex: ${hex(p.framed)}`), p.label);
        } else if (p.time !== undefined) {
          assert.ok(lineSet.has(`${p.label} ${p.summary} hex=${hex(p.bytes)}`), p.label);
        }
      }
    });
  }
});

describe('capture-file: spot checks', () => {
  it('ref-source-sink-pcm-binary.txt: first packet is the 128-byte /start', () => {
    const { packets, notes } = load('ref-source-sink-pcm-binary.txt');
    const p = packets[0]!;
    assert.equal(p.transport, 'udp');
    assert.equal(p.label, 'source block 0 #1 -> port 9000 (128 bytes)');
    assert.equal(p.from, 'source');
    assert.equal(p.to, '9000');
    assert.equal(p.bytes.length, 128);
    assert.ok(ascii(p.bytes).startsWith('/aoo/sink/2/start\0'));
    assert.equal(ascii(p.bytes.subarray(0x74, 0x79)), 'hello');
    assert.equal(notes[0], 'setFormat: 0');
    assert.equal(notes.at(-1), '... (19 packets total)');
  });

  it('splices stderr text that was written into the middle of a header or hexdump line', () => {
    const warning = "[aoo][warning] AooSink: couldn't uninvite source - not running";

    const bin = load('ref-source-sink-pcm-binary.txt');
    const decline = byLabel(bin.packets, 'source decline (forced token 12345) #5 -> port 9000 (76 bytes)');
    assert.equal(hex(decline.bytes.subarray(0, 8)), '8100020137' + '3fc74f');
    assert.ok(bin.notes.includes(warning));

    const opus = load('ref-source-sink-opus.txt');
    const invite = byLabel(opus.packets, 'sink invite #1 -> port 9001 (52 bytes)');
    assert.ok(ascii(invite.bytes).startsWith('/aoo/src/1/invite\0'));
    assert.equal(hex(invite.bytes.subarray(0x20, 0x24)), '6bdd806d');
    assert.equal(ascii(invite.bytes.subarray(0x2c, 0x31)), 'hello');
    assert.ok(opus.notes.includes(warning));

    const osc = load('ref-source-sink-pcm-osc.txt');
    const i = osc.packets.findIndex((p) => p.label.startsWith('source decline (forced token 12345) #6'));
    const before = osc.packets[i - 1]!;
    assert.equal(hex(before.bytes.subarray(0x70, 0x80)), '0000be8000003f000000be8000003f00');

    const resampling = load('ref-source-sink-dynamic-resampling.txt');
    assert.ok(resampling.notes.includes(warning));
  });

  it('ref-client-server-peers-udp.txt: UDP ports and notes', () => {
    const { packets, notes } = load('ref-client-server-peers-udp.txt');
    const p = packets[0]!;
    assert.equal(p.label, 'UDP #1 20001 -> 17000 (24 bytes)');
    assert.equal(p.from, '20001');
    assert.equal(p.to, '17000');
    assert.ok(ascii(p.bytes).startsWith('/aoo/server/query\0'));
    assert.deepEqual(notes.slice(0, 3), ['server setup: 0', 'A setup: 0', 'B setup: 0']);
    assert.ok(notes.includes('[server event] type=1013 id=0 error=0 version=2.0-test4'));
  });

  it('ref-client-server-tcp.txt: first frame is /aoo/client/ping, 24 bytes', () => {
    const p = load('ref-client-server-tcp.txt').packets[0]!;
    assert.equal(p.transport, 'tcp');
    assert.equal(p.label, 'S->C1 len=24 /aoo/client/ping , []');
    assert.equal(p.from, 'S');
    assert.equal(p.to, 'C1');
    assert.equal(p.summary, '/aoo/client/ping , []');
    assert.equal(p.bytes.length, 24);
    assert.ok(ascii(p.bytes).startsWith('/aoo/client/ping\0'));
    assert.equal(hex(p.framed!), '00000018' + hex(p.bytes));
  });

  it('live-pcm.wire.txt: time, ports, summary', () => {
    const p = load('live-pcm.wire.txt').packets[1]!;
    assert.equal(p.transport, 'udp');
    assert.equal(p.label, '0.000017 9101->9100 src->sink len=492');
    assert.equal(p.time, 0.000017);
    assert.equal(p.from, '9101');
    assert.equal(p.to, '9100');
    assert.equal(p.bytes.length, 492);
    assert.equal(p.bytes[0], 0x81);
    assert.ok(p.summary?.startsWith('BIN type=sink cmd=0 to=1 from=1 hdr=4 [data]'));
    assert.ok(p.summary?.endsWith('data_offset=32 data_len=460'));
  });

  it('parses the 2.3 MB live-pcm.wire.txt well under a second', () => {
    const text = readFileSync(new URL('live-pcm.wire.txt', vectorsDir), 'utf8');
    const t0 = performance.now();
    const { packets } = parseCaptureText(text);
    const ms = performance.now() - t0;
    assert.equal(packets.length, 3012);
    assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
  });
});

describe('capture-file: malformed input', () => {
  const good = '=== UDP #1 1 -> 2 (8 bytes)\n0000: 2f 61 00 00 2c 00 00 00  |/a..,...|\n';

  const cases: [string, string][] = [
    ['dump shorter than its header', '=== UDP #9 1 -> 2 (12 bytes)\n0000: 2f 61 00 00 2c 00 00 00  |/a..,...|\n'],
    ['bad hex in a dump line', '=== UDP #9 1 -> 2 (8 bytes)\n0000: 2f 6x 00 00 2c 00 00 00  |/a..,...|\n'],
    ['dump offset gap', '=== UDP #9 1 -> 2 (8 bytes)\n0000: 2f 61 00 00\n0008: 2c 00 00 00\n'],
    ['stray hexdump line', 'a note\n0010: 2f 61 00 00\n'],
    ['live len mismatch', '0.5 9101->9100 src->sink len=8 /x hex=2f610000\n'],
    ['live odd hex', '0.5 9101->9100 src->sink len=2 /x hex=2f610\n'],
    ['live non-hex', '0.5 9101->9100 src->sink len=2 /x hex=2fzz\n'],
    ['live without hex=', '0.5 9101->9100 src->sink len=2 /x\n'],
    ['tcp prefix mismatch', 'S->C1 len=8 /a , []\n   hex: 000000092f6100002c000000\n'],
    ['tcp len counting the prefix', 'S->C1 len=12 /a , []\n   hex: 0000000c2f6100002c000000\n'],
    ['tcp without hex line', 'S->C1 len=8 /a , []\nsomething else\n'],
    ['tcp bad hex', 'S->C1 len=8 /a , []\n   hex: 000000082f61zz002c000000\n'],
    ['tcp shorter than a prefix', 'S->C1 len=0 /a , []\n   hex: 0000\n'],
  ];
  for (const [what, bad] of cases) {
    it(`${what}: an "error:" note, the packet skipped, the others kept`, () => {
      const { packets, notes } = parseCaptureText(good + bad + good);
      assert.equal(errors(notes).length, 1, notes.join('\n'));
      assert.equal(packets.length, 2);
      assert.deepEqual(
        packets.map((p) => p.index),
        [0, 1],
      );
      assert.equal(hex(packets[1]!.bytes), '2f6100002c000000');
    });
  }

  it('never throws on mangled vector text', () => {
    const random = seededRandom(7);
    const sources = ['ref-source-sink-pcm-osc.txt', 'ref-relay-tcp.txt', 'live-opus.wire.txt'].map((f) =>
      readFileSync(new URL(f, vectorsDir), 'utf8').slice(0, 20000),
    );
    const junk = ['', ' ', '\n', 'z', '0', '===', ' len=', ' hex=', '|', '->', '[aoo]['];
    for (let round = 0; round < 300; round++) {
      let text = sources[round % sources.length]!;
      for (let k = 0; k < 10; k++) {
        const at = Math.floor(random() * text.length);
        const cut = Math.floor(random() * 4);
        text = text.slice(0, at) + junk[Math.floor(random() * junk.length)] + text.slice(at + cut);
      }
      const { packets } = parseCaptureText(text);
      for (const p of packets) {
        if (p.framed) assert.equal(p.framed.length, p.bytes.length + 4);
      }
    }
  });
});
