import { strict as assert } from 'node:assert';
import {
  concealmentPacket,
  copyPacket,
  packetFrameCount,
  parseSelfDelimited,
  type SelfDelimitedLayout,
  tocFrameSamples,
  writeSelfDelimited,
} from '../../src/codec/opus-packet.ts';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function selfDelimited(packet: Uint8Array): string {
  const out = new Uint8Array(packet.length + 2);
  const n = writeSelfDelimited(packet, packet.length, out, 0);
  return n < 0 ? 'invalid' : hex(out.subarray(0, n));
}

/** Splits `self-delimited ++ trailer` back into the normal packet and the trailer. */
function split(data: Uint8Array): { normal: string; rest: string; frames: number } | undefined {
  const layout: SelfDelimitedLayout = { sizeAt: 0, sizeBytes: 0, end: 0, frames: 0 };
  if (!parseSelfDelimited(data, 0, data.length, layout)) return undefined;
  const normal = [...data.subarray(0, layout.sizeAt), ...data.subarray(layout.sizeAt + layout.sizeBytes, layout.end)];
  return { normal: hex(Uint8Array.from(normal)), rest: hex(data.subarray(layout.end)), frames: layout.frames };
}

describe('codec/opus-packet', () => {
  it('knows the frame duration of every TOC configuration (RFC 6716 §3.1)', () => {
    const ms = (config: number) => tocFrameSamples(config << 3, 48000) / 48;
    // SILK NB/MB/WB: 10, 20, 40, 60 ms
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(ms), [10, 20, 40, 60, 10, 20, 40, 60, 10, 20, 40, 60]);
    // hybrid SWB/FB: 10, 20 ms
    assert.deepEqual([12, 13, 14, 15].map(ms), [10, 20, 10, 20]);
    // CELT NB…FB: 2.5, 5, 10, 20 ms
    for (let c = 16; c < 32; c += 4) assert.deepEqual([c, c + 1, c + 2, c + 3].map(ms), [2.5, 5, 10, 20]);
    assert.equal(tocFrameSamples(0xe0, 8000), 20);
    assert.equal(tocFrameSamples(0x18, 16000), 960); // SILK NB 60 ms
  });

  it('inserts the last frame size after the TOC of a code 0 packet', () => {
    assert.equal(selfDelimited(bytes('e0 aabbcc')), 'e003aabbcc');
    assert.equal(selfDelimited(bytes('e0')), 'e000'); // empty frame (DTX)
  });

  it('uses the two-byte size form from 252 bytes', () => {
    const frame = new Uint8Array(300).fill(0x55);
    const packet = Uint8Array.of(0xf8, ...frame);
    // 300 = 252 + (300 & 3) + 4·12 → fc 0c
    assert.equal(selfDelimited(packet), 'f8fc0c' + hex(frame));
    assert.equal(selfDelimited(Uint8Array.of(0xf8, ...new Uint8Array(251))).slice(0, 4), 'f8fb');
    assert.equal(selfDelimited(Uint8Array.of(0xf8, ...new Uint8Array(252))).slice(0, 6), 'f8fc00');
  });

  it('gives code 1 the size of one (either) frame', () => {
    assert.equal(selfDelimited(bytes('f9 aabb ccdd')), 'f902aabbccdd');
    assert.equal(selfDelimited(bytes('f9 aabb cc')), 'invalid'); // odd length
  });

  it('puts the last size after N1 for code 2', () => {
    assert.equal(selfDelimited(bytes('fa 01 aa bbcc')), 'fa0102aabbcc');
    assert.equal(selfDelimited(bytes('fa 05 aa')), 'invalid');
  });

  it('puts the last size after the count byte, padding length and VBR sizes for code 3', () => {
    // CBR, 3 frames of 2 bytes, 2 bytes of padding
    assert.equal(selfDelimited(bytes('fb 43 02 1111 2222 3333 0000')), 'fb4302021111222233330000');
    // VBR, 3 frames of 1, 2, 3 bytes
    assert.equal(selfDelimited(bytes('fb 83 01 02 aa bbbb cccccc')), 'fb83010203aabbbbcccccc');
    // VBR with padding
    assert.equal(selfDelimited(bytes('fb c2 01 01 aa bb 00')), 'fbc2010101aabb00');
    assert.equal(selfDelimited(bytes('fb 03 11 22')), 'invalid'); // 2 bytes for 3 CBR frames
    assert.equal(selfDelimited(bytes('fb 00')), 'invalid'); // no frames
  });

  it('refuses to write past the end of the output', () => {
    assert.equal(writeSelfDelimited(bytes('e0 aabbcc'), 4, new Uint8Array(4), 0), -1);
    assert.equal(writeSelfDelimited(bytes('e0 aabbcc'), 4, new Uint8Array(6), 1), 5);
    assert.equal(copyPacket(bytes('e0 aabbcc'), 4, new Uint8Array(4), 1), -1);
  });

  it('reads only the given length of a shared packet buffer', () => {
    const shared = bytes('e0 aabbcc 9999 e1');
    const out = new Uint8Array(8).fill(0x77);
    assert.equal(writeSelfDelimited(shared, 4, out, 0), 5);
    assert.equal(copyPacket(shared, 4, out, 5), -1); // would need 9 bytes
    assert.equal(copyPacket(shared, 3, out, 5), 3);
    assert.equal(hex(out), 'e003aabbcce0aabb');
  });

  it('splits a self-delimited packet from what follows and restores the normal packet', () => {
    const cases = ['e0 aabbcc', 'e0', 'f9 aabb ccdd', 'fa 01 aa bbcc', 'fb 43 02 1111 2222 3333 0000', 'fb 83 01 02 aa bbbb cccccc'];
    for (const c of cases) {
      const normal = bytes(c);
      const joined = bytes(selfDelimited(normal) + 'e0 deadbeef');
      assert.deepEqual(split(joined), { normal: hex(normal), rest: 'e0deadbeef', frames: packetFrameCount(normal, 0, normal.length) }, c);
    }
    const big = Uint8Array.of(0xf8, ...new Uint8Array(600).fill(7));
    assert.equal(split(bytes(selfDelimited(big)))?.normal, hex(big));
  });

  it('rejects malformed self-delimited packets like libopus', () => {
    for (const bad of ['', 'e0', 'e0 05 aabb', 'f9 03 aabbcc', 'fa 02 aa', 'fb 00 00', 'fb 43 ff', 'e0 fc', 'fb 83 05 01 aa']) {
      assert.equal(split(bytes(bad)), undefined, bad);
    }
  });

  it('counts the frames of a normal packet', () => {
    assert.equal(packetFrameCount(bytes('e0 11'), 0, 2), 1);
    assert.equal(packetFrameCount(bytes('e1 1122'), 0, 3), 2);
    assert.equal(packetFrameCount(bytes('e2 01 1122'), 0, 4), 2);
    assert.equal(packetFrameCount(bytes('e3 05'), 0, 2), 5);
    assert.equal(packetFrameCount(bytes('e3 00'), 0, 2), -1);
    assert.equal(packetFrameCount(bytes('e3'), 0, 1), -1);
    assert.equal(packetFrameCount(bytes(''), 0, 0), -1);
  });

  it('builds concealment packets: the TOC without its code bits, or code 3 with empty frames', () => {
    assert.equal(hex(concealmentPacket(0xe3, 1)), 'e0');
    assert.equal(hex(concealmentPacket(0xf9, 2)), 'fb02');
    assert.equal(hex(concealmentPacket(0xfb, 3)), 'fb03');
  });
});
