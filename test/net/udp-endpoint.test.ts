import { strict as assert } from 'node:assert';
import { MsgType } from '../../src/protocol/aoo/constants.ts';
import { encodeAooToBytes } from '../../src/protocol/aoo/messages.ts';
import { type DropReason, UdpEndpoint } from '../../src/net/udp-endpoint.ts';
import type { UdpAddress } from '../../src/net/address.ts';

function ping(sinkId: number): Uint8Array {
  const r = encodeAooToBytes({ kind: 'sink/ping', sinkId, sourceId: 1, t1: 5n });
  assert.ok(r.ok);
  return r.value;
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('UdpEndpoint (real sockets on loopback)', () => {
  for (const host of ['127.0.0.1', '::1']) {
    it(`routes by type and ID on ${host}; counts and reports each kind of bad packet once`, async () => {
      const reports: [DropReason, string][] = [];
      const a = await UdpEndpoint.open(0, host, (reason, detail) => reports.push([reason, detail]));
      const b = await UdpEndpoint.open(0, host, () => {});
      try {
        const got: [number, UdpAddress][] = [];
        a.attach(MsgType.Sink, 2, (_bytes, from) => got.push([2, from]));
        a.attach(MsgType.Sink, 3, (_bytes, from) => got.push([3, from]));
        const to = { address: host, port: a.port };
        b.send(ping(2), to);
        b.send(ping(3), to);
        b.send(ping(9), to); // no such sink
        b.send(ping(9), to);
        b.send(new TextEncoder().encode('not aoo'), to);
        b.send(Uint8Array.from([0x81, 0]), to); // too short for a binary header
        await until(() => a.received === 6);
        assert.deepEqual(got.map(([id]) => id), [2, 3]);
        assert.deepEqual(got[0]![1], { address: host, port: b.port });
        assert.deepEqual(a.drops, { malformed: 1, foreign: 1, 'no-such-object': 2 });
        assert.deepEqual(reports.map(([r]) => r).sort(), ['foreign', 'malformed', 'no-such-object']);
      } finally {
        a.close();
        b.close();
      }
    });
  }
});
