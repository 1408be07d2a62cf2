/**
 * The AOO server under load on loopback. The server runs in this process and the clients in
 * a child process (this file, started with `--load`), so process.cpuUsage() here is the
 * server's own. Figures are printed, nothing is asserted.
 *
 * 1. 500 clients in 50 groups log in and join over real TCP: time until every join reply and
 *    every peer announcement has arrived, server CPU and memory.
 * 2. Relay: clients in pairs send relay-wrapped packets of an Opus 48 kHz stereo stream with
 *    480-sample blocks (one 169-byte datagram every 10 ms) to their partner; server CPU per
 *    forwarded packet gives the streams one core can relay.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type Socket, connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AooServer } from '../src/net/server/aoo-server.ts';
import { ServerCore } from '../src/net/server/core.ts';
import { AOO_VERSION } from '../src/protocol/aoo/constants.ts';
import { type AooMessage, decodeAoo, encodeAooToBytes } from '../src/protocol/aoo/messages.ts';
import { wrapForRelay } from '../src/protocol/aoo/relay.ts';
import { emptySinkData } from '../src/protocol/aoo/sink/data.ts';
import { TcpReassembler, frameTcpMessage, isTcpFrameError } from '../src/protocol/aoo/tcp-framing.ts';
import { measure, row } from './measure.ts';

const CLIENTS = 500;
const GROUPS = 50;
const RELAY_PAIRS = 10;
const RELAY_SECONDS = 3;
const RELAY_RATES = [5000, 20000];
/** Opus 'auto' bitrate for 48 kHz stereo is ~116 kbit/s: 145 bytes per 10 ms block. */
const OPUS_BLOCK_BYTES = 145;
const PACKETS_PER_STREAM = 100;
const LOAD_TIMEOUT_MS = 60_000;
/** The load comes from one IP; the default per-IP limit for strangers would pace it at 20 connections per second. */
const NO_LIMIT = { burst: 1e9, perSecond: 1e9 };

// ---- the server side (this process)

export async function benchServer(): Promise<void> {
  console.log('server: AOO connection server on loopback (clients in a child process; CPU is the server process alone)');
  benchRelayCore();
  await benchJoins();
  for (const rate of RELAY_RATES) await benchRelay(rate);
}

/** The relay decision and rewrite alone, without sockets. */
function benchRelayCore(): void {
  const core = new ServerCore({ port: 7078, relay: true });
  const alice = { address: '127.0.0.1', port: 20001 };
  const bob = { address: '127.0.0.1', port: 20002 };
  for (const [who, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
    const id = core.accept({ address: who.address, port: who.port + 1000 }, 0);
    const send = (m: AooMessage) => core.receiveTcp(id, framed(m), 0);
    send({ kind: 'server/login', token: 0, version: AOO_VERSION, password: '', metadata: null, addresses: [{ host: who.address, port: who.port }] });
    send(joinMessage('g', name));
  }
  core.poll();
  const packet = relayPacket(bob);
  const m = measure(() => {
    core.receiveUdp(packet, alice, 0);
    core.poll();
  }, 20000);
  row('relay, core only (decide + rewrite, no sockets)', `${m.nsPerOp.toFixed(0)} ns/packet, ${m.bytesPerOp.toFixed(0)} heap bytes/packet`);
}

async function benchJoins(): Promise<void> {
  const memory0 = process.memoryUsage();
  const server = await AooServer.listen({ port: 0, host: '127.0.0.1', unauthenticatedLimit: NO_LIMIT });
  const cpu0 = process.cpuUsage();
  const load = startLoad(['join', String(server.port), String(CLIENTS), String(GROUPS)]);
  const result = (await load.next()) as { joinedMs: number; announcedMs: number; peerJoins: number };
  const cpu = process.cpuUsage(cpu0);
  const memory = process.memoryUsage();
  const stats = server.core.stats;
  load.child.kill();
  await server.close();
  console.log(`  ${CLIENTS} clients, ${GROUPS} groups of ${CLIENTS / GROUPS}, one TCP connection each, all started at once`);
  row('all join replies received', `${result.joinedMs.toFixed(0)} ms`);
  row('all peer announcements received', `${result.announcedMs.toFixed(0)} ms (${result.peerJoins} /peer/join)`);
  row('server CPU (user + system)', `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, ${((cpu.user + cpu.system) / CLIENTS).toFixed(0)} µs per client`);
  row('server memory growth (RSS / heap)', `${mib(memory.rss - memory0.rss)} / ${mib(memory.heapUsed - memory0.heapUsed)} MiB`);
  row('server state at the end', `${stats.clients} clients, ${stats.groups} groups`);
}

async function benchRelay(rate: number): Promise<void> {
  const server = await AooServer.listen({ port: 0, host: '127.0.0.1', relay: true, unauthenticatedLimit: NO_LIMIT });
  const load = startLoad(['relay', String(server.port), String(RELAY_PAIRS), String(rate), String(RELAY_SECONDS)]);
  await load.next();
  const before = server.core.stats.relayedPackets;
  const cpu0 = process.cpuUsage();
  const result = (await load.next()) as { sent: number; received: number; bytes: number };
  const cpu = process.cpuUsage(cpu0);
  const relayed = server.core.stats.relayedPackets - before;
  load.child.kill();
  await server.close();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perCore = relayed / cpuSeconds;
  console.log(`  relay, ${RELAY_PAIRS} pairs, target ${rate} packets/s of ${result.bytes} bytes for ${RELAY_SECONDS} s`);
  row('sent / forwarded by the server / received', `${result.sent} / ${relayed} / ${result.received}`);
  row('server CPU per forwarded packet', `${((cpuSeconds * 1e6) / relayed).toFixed(1)} µs (${((cpuSeconds / RELAY_SECONDS) * 100).toFixed(0)} % of a core)`);
  row('relay capacity per core (extrapolated)', `${(perCore / 1000).toFixed(1)}k packets/s = ${Math.floor(perCore / PACKETS_PER_STREAM)} Opus 480-block stereo streams`);
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

/** The load process; next() resolves with each JSON line it prints. */
function startLoad(args: string[]): { child: ChildProcess; next: () => Promise<unknown> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--load', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const timer = setTimeout(() => child.kill(), LOAD_TIMEOUT_MS);
  child.on('exit', () => clearTimeout(timer));
  return {
    child,
    next: async () => {
      const line = await lines.next();
      if (line.done === true) throw new Error('the load process ended early');
      return JSON.parse(line.value) as unknown;
    },
  };
}

// ---- messages

function framed(m: AooMessage): Uint8Array {
  const r = encodeAooToBytes(m);
  if (!r.ok) throw new Error(r.error.detail);
  const out = new Uint8Array(r.value.length + 4);
  frameTcpMessage(r.value, out, 0);
  return out;
}

function joinMessage(group: string, user: string): AooMessage {
  return { kind: 'server/group/join', token: 1, groupName: group, groupPassword: '', groupMetadata: null, userName: user, userPassword: '', userMetadata: null, relay: null };
}

/** A relay-wrapped binary /data frame of one Opus block, for `to`. */
function relayPacket(to: { address: string; port: number }): Uint8Array {
  const data = emptySinkData();
  Object.assign(data, { sinkId: 1, sourceId: 1, streamId: 77, sequence: 1, totalSize: OPUS_BLOCK_BYTES, frameCount: 1, payload: new Uint8Array(OPUS_BLOCK_BYTES), payloadSize: OPUS_BLOCK_BYTES });
  const inner = encodeAooToBytes(data);
  if (!inner.ok) throw new Error(inner.error.detail);
  const out = new Uint8Array(inner.value.length + 32);
  return out.slice(0, wrapForRelay(out, 0, 'binary', { host: to.address, port: to.port }, inner.value));
}

// ---- the load side (child process)

/** A client's TCP connection (writes before it is up are queued); decoded messages go to `onMessage`. */
function openClient(port: number, onMessage: (m: AooMessage) => void): Socket {
  const frames = new TcpReassembler();
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', (e) => fail(e.message));
  socket.on('data', (chunk: Buffer) => {
    frames.push(chunk);
    for (const f of frames) {
      if (isTcpFrameError(f)) return fail(f.detail);
      const m = decodeAoo(f);
      if (m.ok) onMessage(m.value);
    }
  });
  return socket;
}

function fail(why: string): never {
  process.stderr.write(`bench server load: ${why}\n`);
  process.exit(1);
}

function login(socket: Socket, udpPort: number): void {
  socket.write(framed({ kind: 'server/login', token: 0, version: AOO_VERSION, password: '', metadata: null, addresses: [{ host: '127.0.0.1', port: udpPort }] }));
}

/** Logs in and joins `group` as `user`; resolves when the join is answered. */
function member(port: number, udpPort: number, group: string, user: string, onMessage: (m: AooMessage) => void = () => {}): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = openClient(port, (m) => {
      if (m.kind === 'client/login') socket.write(framed(joinMessage(group, user)));
      if (m.kind === 'client/group/join') resolve(socket);
      onMessage(m);
    });
    login(socket, udpPort);
  });
}

async function loadJoins(port: number, clients: number, groups: number): Promise<void> {
  const start = performance.now();
  const expectedPeerJoins = clients * (clients / groups - 1);
  let peerJoins = 0;
  let announced!: () => void;
  const allAnnounced = new Promise<void>((resolve) => (announced = resolve));
  const count = (m: AooMessage) => {
    if (m.kind === 'client/peer/join' && ++peerJoins === expectedPeerJoins) announced();
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => member(port, 30000 + i, `g${i % groups}`, `u${i}`, count)));
  const joinedMs = performance.now() - start;
  await allAnnounced;
  console.log(JSON.stringify({ joinedMs, announcedMs: performance.now() - start, peerJoins }));
}

function bindUdp(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
}

async function loadRelay(port: number, pairs: number, rate: number, seconds: number): Promise<void> {
  const senders: UdpSocket[] = [];
  const packets: Uint8Array[] = [];
  let received = 0;
  for (let i = 0; i < pairs; i++) {
    const [alice, bob] = [await bindUdp(), await bindUdp()];
    bob.on('message', () => received++);
    await Promise.all([member(port, alice.address().port, `r${i}`, 'alice'), member(port, bob.address().port, `r${i}`, 'bob')]);
    senders.push(alice);
    packets.push(relayPacket({ address: '127.0.0.1', port: bob.address().port }));
  }
  console.log(JSON.stringify({ ready: true }));
  let sent = 0;
  const start = performance.now();
  const timer = setInterval(() => {
    for (const due = Math.floor(((performance.now() - start) * rate) / 1000); sent < due; sent++) senders[sent % pairs]!.send(packets[sent % pairs]!, port, '127.0.0.1');
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(timer);
  await new Promise((resolve) => setTimeout(resolve, 300));
  console.log(JSON.stringify({ sent, received, bytes: packets[0]!.length }));
}

if (process.argv[2] === '--load') {
  const [mode, ...numbers] = process.argv.slice(3);
  const [port = 0, a = 0, b = 0, c = 0] = numbers.map(Number);
  if (mode === 'join') await loadJoins(port, a, b);
  else if (mode === 'relay') await loadRelay(port, a, b, c);
  else fail(`unknown load "${mode}"`);
}
