import { strict as assert } from 'node:assert';
import type { ClientEvent } from '../../../src/net/client/events.ts';
import { NodeClient } from '../../../src/net/client/node-client.ts';
import { AooServer } from '../../../src/net/server/aoo-server.ts';
import { UdpEndpoint } from '../../../src/net/udp-endpoint.ts';
import { DataType } from '../../../src/protocol/aoo/constants.ts';

const json = (text: string) => ({ type: DataType.Json, bytes: new TextEncoder().encode(text) });
const textOf = (d: { bytes: Uint8Array } | null | undefined) => (d ? new TextDecoder().decode(d.bytes) : null);

/** Polls `cond` every 5 ms; fails after `ms`. */
async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Member {
  readonly name: string;
  readonly udp: UdpEndpoint;
  readonly client: NodeClient;
  readonly events: ClientEvent[];
}

describe('NodeClient on real sockets with AooServer', () => {
  for (const host of ['127.0.0.1', '::1']) {
    describe(`on ${host}`, () => {
      let server: AooServer;
      const members: Member[] = [];

      before(async () => {
        server = await AooServer.listen({ port: 0, host, relay: true });
      });

      after(async () => {
        for (const m of members) {
          m.client.close();
          m.udp.close();
        }
        await server.close();
      });

      async function member(name: string): Promise<Member> {
        const udp = await UdpEndpoint.open(0, host, () => {});
        const events: ClientEvent[] = [];
        const client = new NodeClient(udp, { ipv6: host.includes(':'), onEvent: (e) => events.push(e) });
        const m = { name, udp, client, events };
        members.push(m);
        const login = await client.connect(host, server.port, { localAddresses: [], metadata: json(`{"who":"${name}"}`) });
        assert.equal(login.ok, true, `${name} logs in`);
        return m;
      }

      const joined = (m: Member) => m.events.filter((e) => e.type === 'PeerJoin').map((e) => e.type === 'PeerJoin' && e.peer.userName);

      it('four clients join one group, each sees the three others with their metadata; updates and leave reach the others', async () => {
        const names = ['ann', 'ben', 'cat', 'dan'];
        const group = await Promise.all(names.map((n) => member(n)));
        for (const m of group) {
          const r = await m.client.joinGroup({ group: 'band', groupPassword: 'pw', user: m.name, userMetadata: json(`{"name":"${m.name}"}`) });
          assert.equal(r.ok, true, `${m.name} joins`);
        }
        await waitFor(() => group.every((m) => joined(m).length === 3), 'all handshakes');
        for (const m of group) {
          const peers = m.client.peers();
          assert.deepEqual(peers.map((p) => p.userName).sort(), names.filter((n) => n !== m.name));
          for (const p of peers) {
            assert.equal(textOf(p.metadata), `{"name":"${p.userName}"}`);
            const other = group.find((o) => o.name === p.userName)!;
            assert.deepEqual(p.address, { address: host, port: other.udp.port });
            assert.equal(p.relay, null);
          }
        }
        const [ann, ben, cat, dan] = group as [Member, Member, Member, Member];

        assert.equal((await ann.client.updateGroup('band', json('{"key":"D"}'))).ok, true);
        assert.equal((await ben.client.updateUser('band', json('{"name":"ben","plays":"bass"}'))).ok, true);
        await waitFor(() => [ben, cat, dan].every((m) => m.events.some((e) => e.type === 'GroupUpdate')), 'group update');
        await waitFor(() => [ann, cat, dan].every((m) => m.events.some((e) => e.type === 'PeerUpdate')), 'peer update');
        for (const m of [ann, cat, dan]) assert.equal(textOf(m.client.peers().find((p) => p.userName === 'ben')?.metadata), '{"name":"ben","plays":"bass"}');
        assert.equal(textOf(cat.client.groups()[0]?.groupMetadata), '{"key":"D"}');

        assert.equal(ann.client.sendMessage({ group: 'band' }, json('"hello"'), { reliable: true }).ok, true);
        await waitFor(() => [ben, cat, dan].every((m) => m.events.some((e) => e.type === 'PeerMessage' && textOf(e.data) === '"hello"')), 'message');

        assert.equal((await dan.client.leaveGroup('band')).ok, true);
        await waitFor(() => [ann, ben, cat].every((m) => m.events.some((e) => e.type === 'PeerLeave' && e.peer.userName === 'dan')), 'leave');
        for (const m of [ann, ben, cat]) assert.equal(m.client.peers().length, 2);
      });

      it('custom requests without a server-side handler get 1001 (UnhandledRequest)', async () => {
        const eve = await member('eve');
        const r = await eve.client.customRequest(json('{"q":1}'));
        assert.deepEqual(r.ok ? 'ok' : r.code, 1001);
      });

      it('a wrong server password is refused (1004), the right one accepted; the server going away is a Disconnect', async () => {
        const guarded = await AooServer.listen({ port: 0, host, password: 'secret' });
        const udp = await UdpEndpoint.open(0, host, () => {});
        const events: ClientEvent[] = [];
        const client = new NodeClient(udp, { ipv6: host.includes(':'), onEvent: (e) => events.push(e) });
        let serving = true;
        try {
          const wrong = await client.connect(host, guarded.port, { password: 'guess', localAddresses: [] });
          assert.deepEqual(wrong.ok ? 'ok' : wrong.code, 1004);
          const right = await client.connect(host, guarded.port, { password: 'secret', localAddresses: [] });
          assert.equal(right.ok, true);
          serving = false;
          await guarded.close();
          await waitFor(() => events.some((e) => e.type === 'Disconnect'), 'Disconnect');
          assert.equal(client.core.connection, null);
        } finally {
          client.close();
          udp.close();
          if (serving) await guarded.close();
        }
      });
    });
  }
});
