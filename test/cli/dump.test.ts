import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { encodeAooToBytes } from '../../src/protocol/aoo/messages.ts';
import { emptySinkData } from '../../src/protocol/aoo/sink/data.ts';
import { VECTOR_DIR } from '../support/vectors.ts';
import { startCli, waitForStderr } from '../support/cli.ts';

function pingBytes(): Uint8Array {
  const r = encodeAooToBytes({ kind: 'sink/ping', sinkId: 7, sourceId: 3, t1: 0x0102030405060708n });
  assert.ok(r.ok);
  return r.value;
}

function dataBytes(): Uint8Array {
  const d = emptySinkData();
  Object.assign(d, { sinkId: 7, sourceId: 3, streamId: 42, sequence: 5, totalSize: 8, frameCount: 1, payload: new Uint8Array(8), payloadSize: 8 });
  const r = encodeAooToBytes(d);
  assert.ok(r.ok);
  return r.value;
}

describe('aoo-node dump', () => {
  it('--file live-opus.wire.txt prints every message decoded', async () => {
    const { done } = startCli(['dump', '--file', `${VECTOR_DIR}live-opus.wire.txt`]);
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1215);
    assert.deepEqual(lines.filter((l) => /MALFORMED|INVALID|NOT-AOO/.test(l)), []);
    assert.ok(lines[1]!.includes("/aoo/sink/1/start ,isiiiiiisbtiiNNi 1 '2.0-test4'"));
    assert.ok(lines.some((l) => l.includes('msg[offset=100 ch=0 text "hello 0"]')));
  });

  for (const host of ['127.0.0.1', '::1']) {
    it(`--port listens on ${host}: AOO decoded, foreign traffic flagged, malformed packets described`, async () => {
      const port = 20000 + Math.floor(Math.random() * 20000);
      const { child, done } = startCli(['dump', '--port', String(port), '--host', host, '--count', '4', '--seconds', '10']);
      await waitForStderr(child, 'listening');
      const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      const packets = [pingBytes(), dataBytes(), new TextEncoder().encode('hello'), Uint8Array.from([0x81, 0, 7])];
      for (const p of packets) await new Promise<void>((res) => sock.send(p, port, host, () => res()));
      const r = await done;
      sock.close();
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 4);
      assert.match(lines[0]!, /\/aoo\/sink\/7\/ping ,it 3 t:16909060\.05060708$/);
      assert.match(lines[1]!, /BIN type=sink cmd=0 to=7 from=3 hdr=4 \[data\] stream=42 seq=5 channel=0 flags=0x00 size=8/);
      assert.match(lines[2]!, /NOT-AOO 5 bytes$/);
      assert.match(lines[3]!, /MALFORMED binary packet of 3 bytes/);
      assert.ok(lines[0]!.includes(host.includes(':') ? '[::1]:' : '127.0.0.1:'));
    });
  }
});
