import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RoomEvent } from '../../src/cli/room.ts';
import { roomEventJson, roomEventText } from '../../src/cli/room-events.ts';
import { parseRoomOptions } from '../../src/cli/room-options.ts';
import { PeerTarget, parsePeerSink } from '../../src/cli/room-target.ts';
import type { PeerInfo } from '../../src/net/client/events.ts';
import { DataType } from '../../src/protocol/aoo/constants.ts';
import { readWav } from '../../src/util/wav.ts';
import { type Finished, startCli, waitForStderr } from '../support/cli.ts';
import { longestZeroRun, toneWindows } from '../support/signal.ts';

const SR = 48000;

function peerInfo(user: string, address: string | null, group = 'room'): PeerInfo {
  const [host, port] = address === null ? [] : address.split(':');
  return {
    groupId: 0,
    groupName: group,
    userId: 1,
    userName: user,
    version: '2.0-test4',
    flags: 0,
    metadata: null,
    address: host === undefined ? null : { address: host, port: Number(port) },
    relay: null,
  };
}

const peerJoin = (user: string, address: string, group?: string): RoomEvent => ({ type: 'PeerJoin', peer: peerInfo(user, address, group) });
const peerLeave = (user: string, address: string): RoomEvent => ({ type: 'PeerLeave', peer: peerInfo(user, address) });

describe('aoo-node send/receive in a room: options, target, events (in process)', () => {
  it('parses the room options; without --server none of them may be given', () => {
    assert.equal(parseRoomOptions({}), null);
    assert.deepEqual(parseRoomOptions({ server: '[::1]:7078', group: 'g', user: 'u', 'group-password': 'gp', 'user-password': 'up', password: 'sp' }), {
      server: { host: '::1', port: 7078 },
      password: 'sp',
      join: { group: 'g', user: 'u', groupPassword: 'gp', userPassword: 'up' },
    });
    assert.deepEqual(parseRoomOptions({ server: 'localhost:7078', group: 'g', user: 'u' })?.join, { group: 'g', user: 'u', groupPassword: '', userPassword: '' });
    const bad: [Record<string, string>, RegExp][] = [
      [{ group: 'g' }, /--group needs --server/],
      [{ password: 'p' }, /--password needs --server/],
      [{ server: '127.0.0.1', group: 'g', user: 'u' }, /--server must be HOST:PORT/],
      [{ server: '127.0.0.1:0', group: 'g', user: 'u' }, /--server must be HOST:PORT/],
      [{ server: '127.0.0.1:7078', group: 'g' }, /--server needs --group NAME and --user NAME/],
      [{ server: '127.0.0.1:7078', group: '', user: 'u' }, /must not be empty/],
    ];
    for (const [values, message] of bad) assert.throws(() => parseRoomOptions(values), message, JSON.stringify(values));
  });

  it('parses --to-peer USER[:ID]', () => {
    assert.deepEqual(parsePeerSink('bob'), { user: 'bob', id: 1 });
    assert.deepEqual(parsePeerSink('bob:2'), { user: 'bob', id: 2 });
    assert.deepEqual(parsePeerSink('a:b:0'), { user: 'a:b', id: 0 });
    assert.deepEqual(parsePeerSink('bob:'), { user: 'bob:', id: 1 });
    for (const bad of ['', ':1', 'bob:2147483648']) assert.equal(parsePeerSink(bad), undefined, bad);
  });

  it('follows one user: sink added at its PeerJoin address, removed at its PeerLeave, added again at its next join', () => {
    const t = new PeerTarget('room', { user: 'bob', id: 2 });
    const sink = (address: string) => ({ address: address.split(':')[0], port: Number(address.split(':')[1]), id: 2 });
    assert.deepEqual(t.handle(peerJoin('carol', '10.0.0.3:5000')), [], 'another user');
    assert.deepEqual(t.handle(peerJoin('bob', '10.0.0.2:5000', 'other')), [], 'bob of another group');
    assert.deepEqual(t.handle({ type: 'PeerHandshake', peer: peerInfo('bob', null) }), []);
    assert.deepEqual(t.handle(peerJoin('bob', '10.0.0.2:5000')), [{ kind: 'add', sink: sink('10.0.0.2:5000') }]);
    assert.deepEqual(t.sink, sink('10.0.0.2:5000'));
    assert.deepEqual(t.handle(peerJoin('bob', '10.0.0.2:5000')), [], 'the same join again');
    assert.deepEqual(t.handle(peerLeave('carol', '10.0.0.3:5000')), []);
    assert.deepEqual(t.handle(peerLeave('bob', '10.0.0.2:5000')), [{ kind: 'remove', sink: sink('10.0.0.2:5000') }]);
    assert.equal(t.sink, null);
    assert.deepEqual(t.handle(peerLeave('bob', '10.0.0.2:5000')), [], 'a second leave');
    assert.deepEqual(t.handle(peerJoin('bob', '10.0.0.2:6000')), [{ kind: 'add', sink: sink('10.0.0.2:6000') }], 'back, on a new port');
    assert.deepEqual(
      t.handle(peerJoin('bob', '10.0.0.9:6000')),
      [
        { kind: 'remove', sink: sink('10.0.0.2:6000') },
        { kind: 'add', sink: sink('10.0.0.9:6000') },
      ],
      'joined again elsewhere without a leave',
    );
  });

  it('room events as JSON lines (receive) and as text (send)', () => {
    const joined: RoomEvent = { type: 'PeerJoin', peer: { ...peerInfo('ann', '192.0.2.1:50000'), relay: { address: '::1', port: 7078 } } };
    assert.deepEqual(roomEventJson(joined), { event: 'peer_join', group: 'room', user: 'ann', address: '192.0.2.1:50000', relay: '[::1]:7078' });
    assert.equal(roomEventText(joined), 'peer_join group="room" user="ann" address="192.0.2.1:50000" relay="[::1]:7078"');
    const message: RoomEvent = { type: 'PeerMessage', peer: peerInfo('ann', '192.0.2.1:50000'), timestamp: null, data: { type: DataType.Text, bytes: new TextEncoder().encode('hi') } };
    assert.deepEqual(roomEventJson(message), { event: 'peer_message', group: 'room', user: 'ann', timestamp: null, type: 'text', data: 'hi' });
    const blob: RoomEvent = { type: 'Notification', data: { type: DataType.Raw, bytes: new Uint8Array([1, 0xab]) } };
    assert.deepEqual(roomEventJson(blob), { event: 'notification', type: 'raw', data: '01ab' });
    assert.deepEqual(roomEventJson({ type: 'Disconnect', code: 16, message: 'connection closed' }), { event: 'disconnect', code: 16, message: 'connection closed' });
  });
});

interface JsonLine {
  readonly event: string;
  readonly [field: string]: unknown;
}

function jsonLines(text: string): JsonLine[] {
  return text
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JsonLine);
}

function sourcePort(sendStderr: string): number {
  const m = /source 1 on port (\d+)/.exec(sendStderr);
  assert.ok(m !== null, sendStderr);
  return Number(m[1]);
}

/** Channel 0 of a received WAV: a 440 Hz tone at amplitude 0.5, no dropout from its first to its last sample; its length in seconds. */
function assertTone(path: string): number {
  const wav = readWav(path);
  assert.equal(wav.sampleRate, SR);
  const x = wav.channels[0]!;
  const first = x.findIndex((v) => Math.abs(v) > 0.1);
  const last = x.findLastIndex((v) => Math.abs(v) > 0.1);
  assert.ok(first >= 0, 'no audio');
  assert.ok(longestZeroRun(x.subarray(first, last + 1)) <= 1, `a run of ${longestZeroRun(x.subarray(first, last + 1))} zeros`);
  // 50 ms windows, clear of the first and last 0.1 s: any gap or click ruins a window's fit
  const q = toneWindows(x.subarray(first + 0.1 * SR, last - 0.1 * SR), 440, SR, 2400);
  assert.ok(q.minSnrDb >= 60, `worst window SNR ${q.minSnrDb.toFixed(1)} dB`);
  for (const f of [q.minFrequency, q.maxFrequency]) assert.ok(Math.abs(f - 440) < 0.5, `${f} Hz`);
  for (const a of [q.minAmplitude, q.maxAmplitude]) assert.ok(Math.abs(a - 0.5) < 0.01, `amplitude ${a}`);
  return (last - first + 1) / SR;
}

/** Exit code `code`, and the last line of stderr says why (no stack trace). */
function assertFailure(r: Finished, code: number, lastLine: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr.trimEnd().split('\n').at(-1)!, lastLine);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

describe('aoo-node send --to-peer / receive in a room (real processes on 127.0.0.1)', function () {
  this.timeout(20000);
  let dir: string;
  const children: ChildProcess[] = [];
  const run = (args: string[], timeoutMs = 15000) => {
    const c = startCli(args, timeoutMs);
    children.push(c.child);
    return c;
  };
  /** `aoo-node server` on a random port; its HOST:PORT once it listens. */
  const server = async (...args: string[]) => {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const s = run(['server', '--port', String(port), '--host', '127.0.0.1', ...args], 30000);
    await waitForStderr(s.child, '"listening"');
    return { at: `127.0.0.1:${port}`, stop: () => (s.child.kill('SIGTERM'), s.done) };
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aoo-room-'));
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('alice streams 440 Hz to bob by name: bob records it without a dropout and sees alice join', async () => {
    const { at } = await server();
    const out = join(dir, 'bob.wav');
    // alice first: she waits for bob, so the stream begins as soon as bob is in the room
    const alice = run(['send', '--server', at, '--group', 'room', '--user', 'alice', '--to-peer', 'bob', '--tone', '440', '--seconds', '4']);
    await waitForStderr(alice.child, 'waiting for "bob"');
    const bob = run(['receive', '--server', at, '--group', 'room', '--user', 'bob', '--out', out, '--seconds', '6']);
    const [s, r] = await Promise.all([alice.done, bob.done]);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(r.code, 0, r.stderr);

    const { address, ...aliceJoin } = jsonLines(r.stdout).find((e) => e.event === 'peer_join') ?? { event: 'none' };
    assert.deepEqual(aliceJoin, { event: 'peer_join', group: 'room', user: 'alice', relay: null }, r.stdout);
    assert.match(String(address), new RegExp(`:${sourcePort(s.stderr)}$`), 'alice at the port of her source');
    const start = jsonLines(r.stdout).find((e) => e.event === 'stream_start');
    assert.deepEqual([start?.group, start?.user], ['room', 'alice'], 'the stream named by its peer');
    assert.match(s.stderr, /peer_join group="room" user="bob"/);
    assert.match(s.stderr, /streaming to sink \S+\|1\n/);
    assert.ok(jsonLines(s.stdout).some((e) => e.event === 'sink_ping' && e.user === 'bob'), s.stdout);

    const seconds = assertTone(out);
    assert.ok(Math.abs(seconds - 4) < 0.05, `${seconds.toFixed(3)} s of tone`);
  });

  it('bob leaves and comes back: the stream stops and resumes; when the server goes, send exits 1', async () => {
    const { at, stop } = await server('--password', 'pw');
    const room = ['--server', at, '--password', 'pw', '--group', 'room', '--group-password', 'gpw'];
    const alice = run(['send', ...room, '--user', 'alice', '--to-peer', 'bob:2', '--tone', '440', '--seconds', '30'], 20000);
    await waitForStderr(alice.child, 'waiting for "bob"');
    const stopped = waitForStderr(alice.child, 'stopped streaming to sink', 15000);
    const first = await run(['receive', ...room, '--user', 'bob', '--id', '2', '--out', join(dir, 'first.wav'), '--seconds', '1.5']).done;
    assert.equal(first.code, 0, first.stderr);
    await stopped;
    const second = await run(['receive', ...room, '--user', 'bob', '--id', '2', '--out', join(dir, 'second.wav'), '--seconds', '1.5']).done;
    assert.equal(second.code, 0, second.stderr);
    for (const name of ['first.wav', 'second.wav']) assert.ok(assertTone(join(dir, name)) > 1, name);

    await stop();
    assertFailure(await alice.done, 1, /^aoo-node send: lost the connection to the server: /);
  });

  it('a wrong server password: one line, exit 1', async () => {
    const { at } = await server('--password', 'pw');
    const r = await run(['receive', '--server', at, '--password', 'nope', '--group', 'room', '--user', 'bob', '--out', join(dir, 'x.wav')]).done;
    assertFailure(r, 1, new RegExp(`^aoo-node receive: cannot log in to ${at}: error 1004 \\(WrongPassword\\)`));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  });

  const badArgs: [string[], RegExp][] = [
    [['send', '--to-peer', 'bob'], /--to-peer needs --server HOST:PORT, --group NAME and --user NAME/],
    [['send', '--server', '127.0.0.1:7078', '--group', 'g', '--user', 'alice', '--to', '127.0.0.1:9100:1', '--to-peer', 'bob'], /give --to or --to-peer, not both/],
    [['send', '--server', '127.0.0.1:7078', '--group', 'g', '--user', 'alice', '--to-peer', 'alice'], /--to-peer names this user \("alice"\) itself/],
    [['send', '--server', '127.0.0.1:7078', '--group', 'g', '--user', 'alice', '--to-peer', 'bob:2147483648'], /--to-peer must be USER or USER:ID/],
    [['send', '--server', '127.0.0.1:7078', '--group', 'g', '--user', 'alice'], /give --to HOST:PORT:ID \(the sink\), or --to-peer USER\[:ID\] with --server/],
    [['send', '--server', '127.0.0.1:7078', '--to-peer', 'bob'], /--server needs --group NAME and --user NAME/],
    [['receive', '--group', 'room', '--out', 'x.wav'], /--group needs --server HOST:PORT/],
    [['receive', '--server', 'somewhere', '--group', 'g', '--user', 'u', '--out', 'x.wav'], /--server must be HOST:PORT/],
  ];
  for (const [args, message] of badArgs) {
    it(`${args.join(' ')} → one-line error, exit 2`, async () => {
      const r = await run(args, 10000).done;
      assertFailure(r, 2, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    });
  }
});
