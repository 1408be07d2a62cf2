import { strict as assert } from 'node:assert';
import { RoomPeerChild, assertCleanTone } from '../../support/netns/room-peer-child.ts';
import { ROOM_PEER_SOURCE_ID, type ReportOf } from '../../support/netns/room-peer-protocol.ts';
import { ServerChild } from '../../support/netns/server-child.ts';

const HOST = '127.0.0.1';
const GROUP = 'band';
const NAMES = ['ann', 'ben', 'cat', 'dan'] as const;
type Name = (typeof NAMES)[number];
const SINK_ID = 1;
const WAIT_MS = 10000;
/** For the server to listen, and again for the members to join (5 processes start on a busy machine). */
const START_MS = 20000;

const metadataOf = (name: string) => `{"name":"${name}"}`;

describe('a room of processes: aoo-node server and four room-peer clients on 127.0.0.1', () => {
  let server: ServerChild | undefined;
  const peers = new Map<Name, RoomPeerChild>();
  const peer = (name: Name) => peers.get(name)!;
  const connected = (name: Name): ReportOf<'connected'> => peer(name).reports('connected')[0]!;
  const others = (name: Name) => NAMES.filter((n) => n !== name);

  before(async function () {
    this.timeout(2 * START_MS + 5000);
    server = new ServerChild(['--port', '0', '--host', HOST]);
    const port = await server.port(START_MS);
    for (const user of NAMES) {
      peers.set(user, new RoomPeerChild({ server: `${HOST}:${port}`, group: GROUP, user, metadata: metadataOf(user), bind: HOST, sinkId: SINK_ID, onlyPublic: true }));
    }
    await Promise.all(NAMES.map((n) => peer(n).next('joined', START_MS)));
  });

  after(async () => {
    await Promise.all([...peers.values()].map((p) => p.stop()));
    await server?.stop();
  });

  it('each member sees the three others, with their metadata, directly at their own ports', async () => {
    for (const name of NAMES) {
      const joins = await Promise.all(others(name).map((o) => peer(name).next('peer-join', WAIT_MS, (r) => r.peer.user === o, `peer-join of ${o}`)));
      for (const j of joins) {
        assert.equal(j.peer.metadata, metadataOf(j.peer.user), `${name} sees ${j.peer.user}'s metadata`);
        assert.deepEqual(j.peer.address, { address: HOST, port: connected(j.peer.user as Name).localPort });
        assert.equal(j.peer.relay, null);
      }
    }
    for (const name of NAMES) assert.deepEqual(peer(name).reports('peer-join').map((r) => r.peer.user).sort(), others(name), `${name}'s peers`);
  });

  it('user and group metadata updates reach the three others', async () => {
    peer('ben').command({ cmd: 'update-user', metadata: '{"name":"ben","plays":"bass"}' });
    assert.equal((await peer('ben').next('response', WAIT_MS)).ok, true);
    for (const name of others('ben')) {
      await peer(name).next('peer-update', WAIT_MS, (r) => r.peer.user === 'ben' && r.peer.metadata === '{"name":"ben","plays":"bass"}', 'ben\'s new metadata');
    }

    peer('ann').command({ cmd: 'update-group', metadata: '{"key":"D"}' });
    assert.equal((await peer('ann').next('response', WAIT_MS, (r) => r.request === 'group-update')).ok, true);
    const annId = peer('ann').reports('joined')[0]!.userId;
    for (const name of others('ann')) {
      const update = await peer(name).next('group-update', WAIT_MS);
      assert.deepEqual([update.by, update.metadata], [annId, '{"key":"D"}'], name);
    }
  });

  it('ann streams a 440 Hz tone to ben, found by user name: it arrives at 440 Hz without a dropout, and at nobody else', async function () {
    this.timeout(30000);
    peer('ann').command({ cmd: 'stream', to: 'ben', sinkId: SINK_ID, hz: 440, seconds: 2 });
    const sent = await peer('ann').next('stream-sent', WAIT_MS);
    assert.deepEqual(sent.to, { address: HOST, port: connected('ben').localPort, id: SINK_ID });
    assert.equal(sent.relay, null);

    const got = await peer('ben').next('stream-received', WAIT_MS);
    assert.deepEqual(got.from, { address: HOST, port: connected('ann').localPort, id: ROOM_PEER_SOURCE_ID });
    assertCleanTone(got, 440, 2);
    for (const name of ['cat', 'dan'] as const) assert.deepEqual(peer(name).reports('stream-start'), [], `${name} got no stream`);
  });

  it('a member that leaves is reported gone to the three others', async () => {
    peer('dan').command({ cmd: 'leave' });
    assert.equal((await peer('dan').next('response', WAIT_MS, (r) => r.request === 'group-leave')).ok, true);
    for (const name of others('dan')) await peer(name).next('peer-leave', WAIT_MS, (r) => r.peer.user === 'dan', 'dan leaving');
    for (const name of others('dan')) assert.deepEqual(peer(name).reports('peer-leave').map((r) => r.peer.user), ['dan'], name);
  });
});
