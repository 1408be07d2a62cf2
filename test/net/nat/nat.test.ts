/**
 * Rooms over real NATs: `aoo-node server --relay` on a public network, alice and bob each in a
 * home behind a NAT router, all in Linux network namespaces built by the test (see NatWorld and
 * nat-rules.ts for the nftables rules of each NAT kind). Needs root, iproute2 and nftables; a
 * machine without them fails here with the reason.
 */
import { strict as assert } from 'node:assert';
import type { UdpAddress } from '../../../src/net/address.ts';
import { probeNat } from '../../support/netns/nat-probe-child.ts';
import type { NatKind } from '../../support/netns/nat-rules.ts';
import { NatWorld, SERVER_IP, type Site, checkNamespaceSupport, runIn } from '../../support/netns/nat-world.ts';
import { RoomPeerChild, assertCleanTone } from '../../support/netns/room-peer-child.ts';
import { ROOM_PEER_SOURCE_ID, type ReportOf } from '../../support/netns/room-peer-protocol.ts';
import { ServerChild } from '../../support/netns/server-child.ts';

const SERVER_PORT = 7078;
const SERVER: UdpAddress = { address: SERVER_IP, port: SERVER_PORT };
const GROUP = 'band';
const SINK_ID = 1;
const TONE_SECONDS = 2;
/** For the server to listen, and again for alice and bob to join. */
const START_MS = 20000;
/** Long enough for the direct handshake to time out (5 s) and the relayed one to complete. */
const HANDSHAKE_MS = 15000;
const STREAM_MS = 10000;

/**
 * A NatWorld with the server in its public namespace and alice and bob in their homes, each
 * with a sink. Every process exists from the constructor on, so `close()` stops them all
 * whenever a start-up step failed.
 */
class Room {
  readonly world: NatWorld;
  readonly server: ServerChild;
  readonly alice: RoomPeerChild;
  readonly bob: RoomPeerChild;

  constructor(kinds: { readonly alice: NatKind; readonly bob: NatKind }) {
    this.world = new NatWorld(kinds);
    this.server = new ServerChild(['--port', String(SERVER_PORT), '--host', SERVER_IP, '--relay'], runIn(this.world.public));
    const member = (user: string, site: Site) =>
      new RoomPeerChild({ server: `${SERVER_IP}:${SERVER_PORT}`, group: GROUP, user, bind: '0.0.0.0', sinkId: SINK_ID, runIn: runIn(site.home) });
    this.alice = member('alice', this.world.alice);
    this.bob = member('bob', this.world.bob);
  }

  /** Until the server listens and both have joined the group (their login waits for the server to start). */
  async started(): Promise<void> {
    await this.server.port(START_MS);
    await Promise.all([this.alice.next('joined', START_MS), this.bob.next('joined', START_MS)]);
  }

  /** Stops every process, then removes the namespaces. */
  async close(): Promise<void> {
    await Promise.all([this.alice.stop(), this.bob.stop(), this.server.stop()]);
    this.world.destroy();
  }
}

/** Where the server saw `peer` log in from: its router's address and the port mapped for it. */
function publicAddressOf(peer: RoomPeerChild): UdpAddress {
  return peer.reports('connected')[0]!.publicAddress;
}

/** Each side's view of the other once their handshake completed. */
async function handshakes(alice: RoomPeerChild, bob: RoomPeerChild): Promise<[ReportOf<'peer-join'>, ReportOf<'peer-join'>]> {
  return Promise.all([
    alice.next('peer-join', HANDSHAKE_MS, (r) => r.peer.user === 'bob', 'bob joining'),
    bob.next('peer-join', HANDSHAKE_MS, (r) => r.peer.user === 'alice', 'alice joining'),
  ]);
}

/** Streams a tone from alice to bob's sink, found by name; what alice sent and what bob measured. */
async function streamTone(alice: RoomPeerChild, bob: RoomPeerChild, hz: number): Promise<[ReportOf<'stream-sent'>, ReportOf<'stream-received'>]> {
  alice.command({ cmd: 'stream', to: 'bob', sinkId: SINK_ID, hz, seconds: TONE_SECONDS });
  return Promise.all([alice.next('stream-sent', STREAM_MS), bob.next('stream-received', STREAM_MS)]);
}

describe('rooms across NATs (network namespaces, nftables)', () => {
  before(() => checkNamespaceSupport());

  describe('alice and bob each behind a port-restricted cone NAT', () => {
    let room: Room | undefined;
    before(async function () {
      this.timeout(2 * START_MS + 5000);
      room = new Room({ alice: 'port-restricted-cone', bob: 'port-restricted-cone' });
      await room.started();
    });
    after(async () => room?.close());

    it('the NAT keeps one public port per socket for every destination and lets in only replies from where it sent to', async function () {
      this.timeout(30000);
      const { world } = room!;
      const probe = await probeNat(world.public, world.alice.home);
      const own = `${world.alice.publicIp}:${probe.localPort}`;
      assert.deepEqual(probe.mapped, [own, own]);
      assert.deepEqual(probe.knockAnswers, ['contacted']);
    });

    it('the clients punch through: each sees the other at its router\'s public address, directly, not through the relay', async function () {
      this.timeout(HANDSHAKE_MS + 1000);
      const { world, alice, bob } = room!;
      assert.equal(publicAddressOf(alice).address, world.alice.publicIp);
      assert.equal(publicAddressOf(bob).address, world.bob.publicIp);
      const [aliceSeesBob, bobSeesAlice] = await handshakes(alice, bob);
      assert.deepEqual([aliceSeesBob.peer.address, aliceSeesBob.peer.relay], [publicAddressOf(bob), null]);
      assert.deepEqual([bobSeesAlice.peer.address, bobSeesAlice.peer.relay], [publicAddressOf(alice), null]);
    });

    it('a 440 Hz tone from alice reaches bob directly, at 440 Hz, without a dropout', async function () {
      this.timeout(STREAM_MS + 1000);
      const { alice, bob } = room!;
      const [sent, got] = await streamTone(alice, bob, 440);
      assert.deepEqual([sent.to, sent.relay], [{ ...publicAddressOf(bob), id: SINK_ID }, null]);
      assert.deepEqual(got.from, { ...publicAddressOf(alice), id: ROOM_PEER_SOURCE_ID });
      assertCleanTone(got, 440, TONE_SECONDS);
    });
  });

  describe('alice behind a symmetric NAT, bob behind a port-restricted cone NAT', () => {
    let room: Room | undefined;
    before(async function () {
      this.timeout(2 * START_MS + 5000);
      room = new Room({ alice: 'symmetric', bob: 'port-restricted-cone' });
      await room.started();
    });
    after(async () => room?.close());

    it('alice\'s NAT maps her socket to a new public port for every destination', async function () {
      this.timeout(30000);
      const { world } = room!;
      const probe = await probeNat(world.public, world.alice.home);
      const [first, second] = probe.mapped.map((m) => m.split(':')) as [string[], string[]];
      assert.deepEqual([first[0], second[0]], [world.alice.publicIp, world.alice.publicIp]);
      assert.notEqual(first[1], second[1], `one public port for two destinations: ${probe.mapped.join(', ')}`);
      assert.deepEqual(probe.knockAnswers, ['contacted']);
    });

    it('direct probes fail and both fall back to the server\'s relay; each sees the other at the address the server saw', async function () {
      this.timeout(HANDSHAKE_MS + 1000);
      const { alice, bob } = room!;
      const [aliceSeesBob, bobSeesAlice] = await handshakes(alice, bob);
      assert.deepEqual([aliceSeesBob.peer.address, aliceSeesBob.peer.relay], [publicAddressOf(bob), SERVER]);
      assert.deepEqual([bobSeesAlice.peer.address, bobSeesAlice.peer.relay], [publicAddressOf(alice), SERVER]);
    });

    it('a 660 Hz tone from alice reaches bob through the relay, at 660 Hz, without a dropout', async function () {
      this.timeout(STREAM_MS + 1000);
      const { alice, bob } = room!;
      const [sent, got] = await streamTone(alice, bob, 660);
      assert.deepEqual([sent.to, sent.relay], [{ ...publicAddressOf(bob), id: SINK_ID }, SERVER]);
      assert.deepEqual(got.from, { ...publicAddressOf(alice), id: ROOM_PEER_SOURCE_ID });
      assertCleanTone(got, 660, TONE_SECONDS);
    });
  });
});
