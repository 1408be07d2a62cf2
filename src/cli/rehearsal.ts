/**
 * `aoo-node rehearsal`: a virtual rehearsal room on this machine. A connection server, the
 * engine, and two musicians — headless Pd instances running the example patch, or Node peers
 * when Pd is not installed — who join one group and stream a tone to each other by user name.
 * A live status while it runs, then a summary: did each one hear the other?
 */
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { EngineProcess } from '../engine/engine-process.ts';
import { AooServer } from '../net/server/aoo-server.ts';
import type { RehearsalMember } from './rehearsal-member.ts';
import { NodeMember } from './rehearsal-node.ts';
import { PdMember, findPd } from './rehearsal-pd.ts';
import { StatusDisplay, statusModeFor } from './status-display.ts';
import { UsageError, errorText, isPositive, ntpNow, onInterrupt, parseNumber, runCommand } from './stream-clock.ts';

const HOST = '127.0.0.1';
const GROUP = 'band';
const MUSICIANS = [
  { user: 'alice', tone: 440 },
  { user: 'bob', tone: 660 },
] as const;
const MAX_SECONDS = 3600;

type Peers = 'pd' | 'node';

export function runRehearsal(args: string[]): Promise<number> {
  return runCommand('rehearsal', async () => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { seconds: { type: 'string' }, peers: { type: 'string' } } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const seconds = parseNumber(values.seconds, 'seconds', 20, (n) => isPositive(n) && n <= MAX_SECONDS, `a positive number up to ${MAX_SECONDS}`);
    if (values.peers !== undefined && values.peers !== 'pd' && values.peers !== 'node') throw new UsageError(`--peers must be pd or node, got "${values.peers}"`);
    return rehearsal(seconds, values.peers as Peers | undefined);
  });
}

/** A UDP port nobody uses right now. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

async function rehearsal(seconds: number, wanted: Peers | undefined): Promise<number> {
  const display = new StatusDisplay(statusModeFor(process.stderr, 'lines'), process.stderr);
  const log = (text: string) => display.print(process.stderr, `aoo-node rehearsal: ${text}\n`);
  const pd = wanted === 'node' ? null : findPd();
  if (wanted === 'pd' && pd === null) throw new UsageError('--peers pd: Pd is not installed (no "pd" on the PATH)');
  if (pd === null && wanted === undefined) log('Pd is not installed (no "pd" on the PATH): the musicians are Node peers');

  const server = await AooServer.listen({ port: 0, host: HOST });
  const serverAddress = { host: HOST, port: server.port };
  log(`connection server on ${HOST}:${server.port} (TCP and UDP), group "${GROUP}"`);
  let engine: EngineProcess | null = null;
  const members: RehearsalMember[] = [];
  const closeAll = async () => {
    await Promise.all(members.map((m) => m.close()));
    engine?.stop();
    await server.close();
  };
  try {
    if (pd !== null) {
      const start = await EngineProcess.start({ controlPort: 0, idleExit: 0, log: (line) => log(`engine: ${line}`), now: ntpNow, random: Math.random });
      if (start.kind !== 'started') throw new Error('cannot start the engine');
      engine = start.engine;
      log(`engine on ${HOST}:${engine.port}; two headless Pd instances run help-patches/rehearsal-room.pd`);
      for (const m of MUSICIANS) {
        members.push(new PdMember({ pd, controlPort: engine.port, server: serverAddress, group: GROUP, user: m.user, udpPort: await freeUdpPort(), tone: m.tone, report: log }));
      }
    } else {
      for (const m of MUSICIANS) {
        const others = MUSICIANS.filter((o) => o.user !== m.user).map((o) => o.user);
        members.push(await NodeMember.join({ server: serverAddress, group: GROUP, user: m.user, others, tone: m.tone, report: log }));
      }
    }
    log(`${MUSICIANS.map((m) => `${m.user} plays ${m.tone} Hz`).join(', ')}; ${seconds} s (Ctrl-C ends it early)`);
  } catch (e) {
    await closeAll();
    throw e;
  }

  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(finish, seconds * 1000);
    const offInterrupt = onInterrupt(finish);
    function finish() {
      clearTimeout(timer);
      offInterrupt();
      resolve();
    }
    display.start(() => `${((performance.now() - started) / 1000).toFixed(1)}s ${members.map((m) => m.tracker.statusText()).join(' | ')}`);
  });
  display.stop();
  await closeAll().catch((e: unknown) => log(`while stopping: ${errorText(e)}`));

  const users = MUSICIANS.map((m) => m.user);
  const summaries = members.map((m) => m.tracker.summary(users.filter((u) => u !== m.user)));
  process.stdout.write(`${summaries.map((s) => s.line).join('\n')}\n`);
  const failures = summaries.flatMap((s) => (s.failure === undefined ? [] : [s.failure]));
  if (failures.length > 0) {
    log(`the rehearsal failed: ${failures.join('; ')}`);
    return 1;
  }
  process.stdout.write(`ok: ${users.join(' and ')} heard each other (${pd !== null ? 'Pd' : 'Node'} peers)\n`);
  return 0;
}
