/**
 * One member of an AOO room as a child process, for multi-process and network-namespace tests.
 * A NodeClient on its own UDP port logs in to a server and joins one group as one user; what
 * happens is printed as JSON lines on stdout (RoomPeerReport), commands are read as JSON lines
 * on stdin (RoomPeerCommand). It quits when stdin closes, on SIGTERM, or after --lifetime s.
 *
 * With --sink-id, a Sink plays out in real time on the client's port and every stream it gets
 * is measured when it stops (frequency, SNR, dropouts). The `stream` command sends a tone from
 * a Source on that port to a peer's sink, the peer found by user name (relayed if need be).
 *
 *   node --import tsx test/support/room-peer.ts --server 127.0.0.1:7078 --group band --user ann \
 *     [--metadata '{"plays":"bass"}'] [--bind 127.0.0.1] [--sink-id 1] [--latency-ms 200] [--only-public]
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { StreamClock, ntpNow } from '../../src/cli/stream-clock.ts';
import { parseHostPort } from '../../src/net/address.ts';
import type { ClientEvent, PeerInfo } from '../../src/net/client/events.ts';
import { NodeClient } from '../../src/net/client/node-client.ts';
import { UdpEndpoint } from '../../src/net/udp-endpoint.ts';
import type { RequestResult } from '../../src/protocol/aoo/client/reply.ts';
import { DataType } from '../../src/protocol/aoo/constants.ts';
import type { AooData } from '../../src/protocol/aoo/data.ts';
import type { Endpoint } from '../../src/stream/endpoint.ts';
import { BLOCK_SIZE, RecordingSink, SAMPLE_RATE, ToneSource } from './netns/room-peer-audio.ts';
import { type PeerView, ROOM_PEER_SOURCE_ID, type RoomPeerCommand, type RoomPeerReport } from './netns/room-peer-protocol.ts';

/** Seconds to wait for the server's answers when logging in: it may still be starting. */
const CONNECT_TIMEOUT = 20;

function report(r: RoomPeerReport): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

const jsonData = (text: string): AooData => ({ type: DataType.Json, bytes: new TextEncoder().encode(text) });
const textOf = (d: AooData | null): string | null => (d === null ? null : new TextDecoder().decode(d.bytes));

function peerView(p: PeerInfo, metadata = p.metadata): PeerView {
  return { user: p.userName, address: p.address, relay: p.relay, metadata: textOf(metadata) };
}

/** The client events the tests look at, as report lines. */
function clientReport(e: ClientEvent): RoomPeerReport | null {
  switch (e.type) {
    case 'PeerHandshake':
      return { event: 'peer-handshake', peer: peerView(e.peer) };
    case 'PeerJoin':
      return { event: 'peer-join', peer: peerView(e.peer) };
    case 'PeerLeave':
      return { event: 'peer-leave', peer: peerView(e.peer) };
    case 'PeerTimeout':
      return { event: 'peer-timeout', peer: peerView(e.peer) };
    case 'PeerUpdate':
      return { event: 'peer-update', peer: peerView(e.peer, e.metadata) };
    case 'GroupUpdate':
      return { event: 'group-update', by: e.userId, metadata: textOf(e.metadata) ?? '' };
    case 'Disconnect':
      return { event: 'disconnected', code: e.code, message: e.message };
    case 'InputDropped':
      return { event: 'dropped', reason: e.reason, detail: e.detail };
    default:
      return null;
  }
}

function respond(request: string, r: RequestResult<object>): void {
  report({ event: 'response', request, ok: r.ok, code: r.ok ? 0 : r.code });
}

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    group: { type: 'string' },
    user: { type: 'string' },
    metadata: { type: 'string' },
    bind: { type: 'string' },
    'sink-id': { type: 'string' },
    'latency-ms': { type: 'string', default: '200' },
    'only-public': { type: 'boolean', default: false },
    lifetime: { type: 'string', default: '120' },
  },
});
const server = parseHostPort(values.server ?? '');
const { group, user } = values;
if (server === undefined || group === undefined || user === undefined) {
  process.stderr.write('room-peer: give --server HOST:PORT --group NAME --user NAME\n');
  process.exit(2);
}

const udp = await UdpEndpoint.open(0, values.bind, (reason, detail) => report({ event: 'dropped', reason, detail }));
const client = new NodeClient(udp, {
  ipv6: values.bind === undefined || values.bind.includes(':'),
  onEvent: (e) => {
    const r = clientReport(e);
    if (r !== null) report(r);
  },
});
const tones = new ToneSource(ROOM_PEER_SOURCE_ID, udp, ntpNow);
const sink =
  values['sink-id'] === undefined
    ? null
    : new RecordingSink(
        Number(values['sink-id']),
        Number(values['latency-ms']) / 1000,
        udp,
        ntpNow,
        (from) => report({ event: 'stream-start', from }),
        (from, stream) => report({ event: 'stream-received', from, ...stream }),
      );
let streaming: { readonly to: Endpoint; readonly seconds: number } | null = null;
const clock = new StreamClock(
  SAMPLE_RATE,
  BLOCK_SIZE,
  (_index, time) => {
    if (tones.process(time) && streaming !== null) {
      report({ event: 'stream-sent', to: streaming.to, relay: client.core.relayFor(streaming.to), seconds: streaming.seconds });
      streaming = null;
    }
    sink?.process(time);
  },
  () => {
    tones.send(client.streamOut);
    sink?.send(client.streamOut);
  },
);

function quit(code: number): never {
  clock.stop();
  client.close();
  udp.close();
  process.exit(code);
}
process.once('SIGTERM', () => quit(0));
setTimeout(() => quit(0), Number(values.lifetime) * 1000);

async function run(c: RoomPeerCommand, group: string): Promise<void> {
  switch (c.cmd) {
    case 'update-user':
      return respond('user-update', await client.updateUser(group, jsonData(c.metadata)));
    case 'update-group':
      return respond('group-update', await client.updateGroup(group, jsonData(c.metadata)));
    case 'leave':
      return respond('group-leave', await client.leaveGroup(group));
    case 'stream': {
      const address = client.peerAddress(group, c.to);
      if (address === null) return report({ event: 'failed', message: `no connected peer "${c.to}" in "${group}"` });
      streaming = { to: { ...address, id: c.sinkId }, seconds: c.seconds };
      tones.start(streaming.to, c.hz, c.seconds);
    }
  }
}

const login = await client.connect(server.host, server.port, { localAddresses: values['only-public'] ? [] : undefined, timeout: CONNECT_TIMEOUT });
if (!login.ok || client.core.connection === null) {
  report({ event: 'failed', message: `login: ${login.ok ? 'no connection' : `error ${login.code}`}` });
  quit(1);
}
report({ event: 'connected', localPort: udp.port, publicAddress: client.core.connection.publicAddress });
const joined = await client.joinGroup({ group, user, userMetadata: values.metadata === undefined ? null : jsonData(values.metadata) });
if (!joined.ok) {
  report({ event: 'failed', message: `join: error ${joined.code}` });
  quit(1);
}
report({ event: 'joined', userId: joined.userId, relay: joined.relay });
clock.start();

createInterface({ input: process.stdin })
  .on('line', (line) => {
    let command: RoomPeerCommand;
    try {
      command = JSON.parse(line) as RoomPeerCommand;
    } catch {
      report({ event: 'failed', message: `not a JSON command: ${line}` });
      return;
    }
    run(command, group).catch((e: unknown) => report({ event: 'failed', message: String(e) }));
  })
  .on('close', () => quit(0));
