/**
 * The engine with real I/O: the control socket on 127.0.0.1 (never another interface), the
 * shared AOO UDP ports, DNS, the clock and the timer. One engine serves a whole machine;
 * a second one on the same control port finds the first with /probe and steps back.
 */
import { type Socket, createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { localAddresses } from '../net/client/local-addresses.ts';
import { UdpEndpoint } from '../net/udp-endpoint.ts';
import { decodeOscMessage, encodeOscMessageToBytes } from '../protocol/osc/index.ts';
import type { Random } from '../util/random.ts';
import { Engine } from './engine.ts';
import { connectTcp, serverOpener } from './node-net-io.ts';

export const CONTROL_HOST = '127.0.0.1';

export interface EngineProcessOptions {
  readonly controlPort: number;
  /** Stop after this many seconds without objects; 0 = never. */
  readonly idleExit: number;
  readonly log: (line: string) => void;
  /** Wall time, seconds on the NTP timescale. */
  readonly now: () => number;
  readonly random: Random;
}

export type EngineStart =
  | { readonly kind: 'started'; readonly engine: EngineProcess }
  | { readonly kind: 'already-running'; readonly pid: number }
  | { readonly kind: 'port-busy'; readonly detail: string };

const TIMER_MS = 100;
const PROBE_MS = 500;
/** Room for about a second of every object's blocks, should the engine stall (GC, a busy machine). */
const CONTROL_BUFFER_BYTES = 4 << 20;

function toBytes(msg: Buffer): Uint8Array {
  return new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
}

function bind(socket: Socket, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    socket.once('error', resolve);
    socket.bind(port, CONTROL_HOST, () => {
      socket.off('error', resolve);
      resolve(null);
    });
  });
}

/** The pid of the engine answering on `port`, or null when nothing answers within PROBE_MS. */
export async function probeEngine(port: number): Promise<number | null> {
  const socket = createSocket('udp4');
  if ((await bind(socket, 0)) !== null) return null;
  const probe = encodeOscMessageToBytes({ address: '/probe', args: [] });
  return new Promise((resolve) => {
    const finish = (pid: number | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(pid);
    };
    const timer = setTimeout(() => finish(null), PROBE_MS);
    socket.on('message', (msg) => {
      const r = decodeOscMessage(toBytes(msg));
      const pid = r.ok && r.value.address === '/engine' ? r.value.args[1] : undefined;
      if (pid !== undefined && (pid.type === 'f' || pid.type === 'i')) finish(pid.value);
    });
    if (probe.ok) socket.send(probe.value, port, CONTROL_HOST);
  });
}

export class EngineProcess {
  /** Resolves when the engine has stopped (idle, or `stop()`). */
  readonly done: Promise<void>;
  private readonly engine: Engine;
  private readonly timer: NodeJS.Timeout;
  /** The earliest wakeup an object asked for, and its timer. */
  private wakeTime = Infinity;
  private wakeTimer: NodeJS.Timeout | undefined;
  private finish: () => void = () => {};
  private stopped = false;

  private constructor(
    private readonly control: Socket,
    private readonly options: EngineProcessOptions,
  ) {
    const { log } = options;
    this.engine = new Engine({
      openPort: (port) => UdpEndpoint.open(port, undefined, (reason, detail) => log(`UDP port ${port}: dropped a ${reason} packet (${detail}); further ones are counted silently`)),
      sendControl: (bytes, to) => control.send(Buffer.from(bytes), to.port, to.address),
      connectTcp,
      openServer: serverOpener(log),
      localAddresses: (port) => localAddresses(port, true),
      wakeAt: (time) => this.wakeAt(time),
      resolve: (host) => (isIP(host) !== 0 ? host : lookup(host).then((r) => r.address)),
      now: options.now,
      random: options.random,
      log,
      pid: process.pid,
    });
    this.done = new Promise((resolve) => (this.finish = resolve));
    control.on('message', (msg, rinfo) => this.engine.handleControl(toBytes(msg), { address: rinfo.address, port: rinfo.port }));
    control.on('error', (e) => log(`control socket: ${e.message}`));
    this.timer = setInterval(() => this.tick(), TIMER_MS);
  }

  /** Binds the control port; tells apart another engine holding it from another program. */
  static async start(options: EngineProcessOptions): Promise<EngineStart> {
    const control = createSocket({ type: 'udp4', recvBufferSize: CONTROL_BUFFER_BYTES, sendBufferSize: CONTROL_BUFFER_BYTES });
    const error = await bind(control, options.controlPort);
    if (error === null) return { kind: 'started', engine: new EngineProcess(control, options) };
    control.close();
    if (error.code === 'EADDRINUSE') {
      const pid = await probeEngine(options.controlPort);
      if (pid !== null) return { kind: 'already-running', pid };
    }
    return { kind: 'port-busy', detail: error.message };
  }

  get port(): number {
    return this.control.address().port;
  }

  get objectCount(): number {
    return this.engine.objectCount;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    this.engine.close();
    this.control.close();
    this.finish();
  }

  private wakeAt(time: number): void {
    if (this.stopped || time >= this.wakeTime) return;
    clearTimeout(this.wakeTimer);
    this.wakeTime = time;
    this.wakeTimer = setTimeout(() => {
      this.wakeTime = Infinity;
      this.engine.timer();
    }, Math.max(0, (time - this.options.now()) * 1000));
  }

  private tick(): void {
    this.engine.timer();
    const { idleExit, log } = this.options;
    if (idleExit > 0 && this.engine.idleSeconds >= idleExit) {
      log(`no objects for ${idleExit} s; stopping`);
      this.stop();
    }
  }
}
