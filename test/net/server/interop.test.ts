/**
 * The reference client's messages from the captures, replayed into our core: our replies
 * must equal the reference server's, byte for byte, with one documented difference (the user
 * flags of a group creator, see asOurs). Heartbeats: the reference pings every 5 s; the replay
 * runs at one instant, so only the ping sent on accept is expected.
 */
import { strict as assert } from 'node:assert';
import type { CapturedPacket } from '../../../src/cli/capture-file.ts';
import { UserFlag } from '../../../src/net/server/registry.ts';
import { TCP_PREFIX_SIZE } from '../../../src/protocol/aoo/tcp-framing.ts';
import { hex, readVector } from '../../support/vectors.ts';
import { CoreHarness, decode, encode, framed } from './harness.ts';

const SERVER = 'S';
/** The reference server listened on 17001; the capture proxy sat on 17000 and logged the server's datagrams as from 17000. */
const SERVER_PORTS = new Set(['17000', '17001']);

/** The frame we send where the reference sends `frame`: the reference sends a creator's user flags as a boolean 1 (spec §13 #4), we send GroupCreator (0x02). */
function asOurs(frame: Uint8Array): Uint8Array {
  const m = decode(frame.subarray(TCP_PREFIX_SIZE));
  if (m.kind === 'client/group/join' && m.result.ok && m.result.userFlags === 1) {
    return framed(encode({ ...m, result: { ...m.result, userFlags: UserFlag.GroupCreator } }));
  }
  return frame;
}

function line(frame: Uint8Array): string {
  return `${decode(frame.subarray(TCP_PREFIX_SIZE)).kind} ${hex(frame)}`;
}

interface TcpReplay {
  readonly h: CoreHarness;
  /** Our client ID per capture label (C1, C2, …), in order of first appearance. */
  readonly ids: Map<string, number>;
  /** The reference server's frames per client, as we should send them. */
  readonly expected: Map<string, Uint8Array[]>;
}

/** Replays the clients' frames of `file` (up to `stopBefore`) into a core configured like the reference run. */
function replayTcp(file: string, stopBefore: (p: CapturedPacket) => boolean = () => false): TcpReplay {
  const h = new CoreHarness({ port: 17001, password: 'serverpwd', relay: true });
  const ids = new Map<string, number>();
  const expected = new Map<string, Uint8Array[]>();
  for (const p of readVector(file).packets) {
    if (stopBefore(p)) break;
    const label = p.from === SERVER ? p.to! : p.from!;
    if (!ids.has(label)) {
      ids.set(label, h.connect({ address: '127.0.0.1', port: 50000 + ids.size }));
      expected.set(label, []);
    }
    if (p.from === SERVER) expected.get(label)!.push(asOurs(p.framed!));
    else h.sendBytes(ids.get(label)!, p.framed!);
  }
  return { h, ids, expected };
}

const isPing = (frame: Uint8Array) => decode(frame.subarray(TCP_PREFIX_SIZE)).kind === 'client/ping';

describe('interop: the reference client’s captured messages get the reference server’s replies', () => {
  for (const file of ['ref-client-server-tcp.txt', 'ref-relay-tcp.txt']) {
    it(`${file}: every reply, peer notification and error, per connection and in order`, () => {
      const { h, ids, expected } = replayTcp(file);
      assert.deepEqual([...ids.keys()], ['C1', 'C2', 'C3']);
      for (const [label, id] of ids) {
        const ours = h.outputs.flatMap((o) => (o.type === 'tcp' && o.client === id ? [line(o.bytes)] : []));
        const theirs = expected.get(label)!.filter((f, i) => i === 0 || !isPing(f)).map(line);
        assert.ok(theirs.length >= 2);
        assert.deepEqual(ours, theirs, `${label}`);
      }
      assert.deepEqual([...ids.values()].map((id) => h.isClosed(id)), [false, false, true], 'the wrong-password login is closed');
      assert.deepEqual(
        h.events().map((e) => e.type),
        ['ClientLogin', 'ClientLogin', 'GroupAdd', 'GroupJoin', 'GroupJoin', 'GroupUpdate', 'UserUpdate', 'GroupLeave', 'ClientLogin'],
      );
    });
  }

  for (const [udpFile, tcpFile] of [
    ['ref-client-server-peers-udp.txt', 'ref-client-server-tcp.txt'],
    ['ref-relay-udp.txt', 'ref-relay-tcp.txt'],
  ] as const) {
    it(`${udpFile}: queries, pings and relayed packets to the server give the captured datagrams`, () => {
      // Both clients logged in and joined, as during the UDP traffic.
      const { h } = replayTcp(tcpFile, (p) => p.summary?.startsWith('/aoo/server/group/update') === true);
      const packets = readVector(udpFile).packets;
      let compared = 0;
      let relayed = 0;
      for (let i = 0; i < packets.length; i++) {
        const p = packets[i]!;
        if (!SERVER_PORTS.has(p.to!) || SERVER_PORTS.has(p.from!)) continue;
        const ours = h.udp(p.bytes, { address: '127.0.0.1', port: Number(p.from) });
        const theirs: CapturedPacket[] = [];
        for (let j = i + 1; j < packets.length && !SERVER_PORTS.has(packets[j]!.to!); j++) if (packets[j]!.from === '17000') theirs.push(packets[j]!);
        // The capture machine had no route to fd00::2, so the reference's copy to bob's IPv6 address never appeared; ours is checked below.
        const toCapture = ours.filter((o) => o.to.address !== 'fd00::2');
        assert.deepEqual(
          toCapture.map((o) => `${o.to.port} ${hex(o.bytes)}`),
          theirs.map((t) => `${t.to} ${hex(t.bytes)}`),
          `after #${p.index} (${p.label})`,
        );
        for (const o of ours.filter((x) => x.to.address === 'fd00::2')) assert.equal(hex(o.bytes.subarray(0, 8)), '85004e217f000001');
        compared += theirs.length;
        if (p.to === '17001') relayed++;
      }
      assert.ok(compared >= 4, `${compared} datagrams compared`);
      if (udpFile === 'ref-relay-udp.txt') assert.ok(relayed >= 20, `${relayed} relayed`);
    });
  }

  it('differs from the reference in one documented way on UDP: a query from an unknown address is answered from the second one on (no amplification)', () => {
    const [query, reply] = readVector('ref-client-server-peers-udp.txt').packets;
    const h = new CoreHarness({ port: 17001 });
    const from = { address: '127.0.0.1', port: 20001 };
    assert.deepEqual(h.udp(query!.bytes, from), []);
    assert.deepEqual(h.udp(query!.bytes, from).map((o) => hex(o.bytes)), [hex(reply!.bytes)]);
  });
});
