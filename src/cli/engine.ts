/**
 * `aoo-node engine`: the process that runs the objects of every patch on this machine
 * (aoo.send~, aoo.receive~, aoo.client, aoo.server). Logs to stderr; stops a while after its
 * last object leaves.
 *
 * Default control port 7079: next to the AOO server's customary 7078, unassigned in the
 * IANA list (/etc/services), and below the ephemeral range (32768+ on Linux, 49152+ on
 * macOS and Windows), so no outgoing socket of another program takes it by chance.
 */
import { setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { EngineProcess } from '../engine/engine-process.ts';
import { UsageError, isPort, ntpNow, onInterrupt, parseNumber, runCommand } from './stream-clock.ts';

export const DEFAULT_CONTROL_PORT = 7079;
const DEFAULT_IDLE_EXIT = 10;

export function runEngine(args: string[]): Promise<number> {
  return runCommand('engine', async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'control-port': { type: 'string' },
        'idle-exit': { type: 'string' },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const controlPort = parseNumber(values['control-port'], 'control-port', DEFAULT_CONTROL_PORT, (n) => isPort(n) && n > 0, 'a port number (1…65535)');
    const idleExit = parseNumber(values['idle-exit'], 'idle-exit', DEFAULT_IDLE_EXIT, (n) => n >= 0, 'a number of seconds >= 0 (0 = never)');
    const log = (line: string) => process.stderr.write(`aoo-node engine: ${line}\n`);

    const start = await EngineProcess.start({ controlPort, idleExit, log, now: ntpNow, random: Math.random });
    if (start.kind === 'already-running') {
      log(`another engine (pid ${start.pid}) already serves control port ${controlPort}; this one exits`);
      return 0;
    }
    if (start.kind === 'port-busy') {
      log(`cannot listen on 127.0.0.1:${controlPort}: ${start.detail} (another program uses it; try --control-port)`);
      return 1;
    }
    const { engine } = start;
    raisePriority(log);
    log(`listening on 127.0.0.1:${engine.port} (pid ${process.pid}); ${idleExit > 0 ? `stops ${idleExit} s after the last object leaves` : 'runs until stopped'}`);
    const release = onInterrupt(() => {
      log('interrupted; stopping');
      engine.stop();
    });
    await engine.done;
    release();
    return 0;
  });
}

/** Host blocks wait for the engine: under load it must not starve while Pd runs at real-time priority. */
const ENGINE_NICE = -10;

function raisePriority(log: (line: string) => void): void {
  try {
    setPriority(ENGINE_NICE);
  } catch {
    log(`runs at normal priority (raising it to nice ${ENGINE_NICE} needs privileges); on a busy machine give the objects more local_latency`);
  }
}
