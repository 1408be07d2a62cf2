/**
 * The control protocol between host objects (`[aoo.send~]`, `[aoo.receive~]`, `[aoo.client]`,
 * `[aoo.server]`) and the engine.
 *
 * Transport: OSC 1.0 messages, one per UDP datagram, on 127.0.0.1 only. Every object has its
 * own UDP "connection" (Pd: one `[netsend -u -b]` per object; it receives the replies on its
 * right outlet), so the engine knows an object by the source address of its datagrams and
 * answers there. Binary OSC keeps float32 audio exact (Pd's FUDI text keeps 6 digits).
 * Numbers arrive as `f` (what Pd's `[oscformat]` writes), `i` or `d`; the engine writes
 * numbers as `f` and words as `s` (what `[oscparse]` reads; it turns every number into a float).
 *
 * Ticks: the host numbers its DSP blocks modulo 2^24 (exact in a float32); tick t is the
 * block computed in the host's t-th DSP cycle. Right after computing tick t the host reads
 * the block for tick t+1 out of its ring of 64 blocks (then zeroes that slot): a block for
 * tick m is used only if it arrived while the newest tick was m−2 or older.
 *
 * Host → engine
 *   /open <kind> <samplerate> <blocksize> <channels> <port> <id> [<latency-ms>]
 *   /open <kind> <port>
 *       The first form for kind = send | receive, the second for kind = client | server.
 *       Registers this connection as an object, or confirms it. Sent when the object loads
 *       and at every heartbeat while the link is down. Answer: /ready. One client per port,
 *       one server per port.
 *   /blk <tick> <sample…>
 *       send~: the block captured in tick <tick>, planar (channel 0's blocksize samples, then
 *       channel 1's…).
 *   /tick <tick>
 *       receive~: tick <tick> is done. Answer: /out <tick + D> (D = local latency in blocks).
 *   /m <tick> <offset> <selector> <arg…>
 *       A method from the patch (wire spec §12; `port`, `id` and `set` are the engine's, the
 *       others the object's), sent <offset> samples after the end of tick <tick> (for stream
 *       messages, `list <channel> <type> <data…>`, that is their sample; client and server
 *       ignore tick and offset). While its link is down the host keeps methods and sends them
 *       after /ready; lists (stream messages, client messages) it drops.
 *   /hb
 *       Heartbeat, every 0.5 s while the link is up.
 *   /probe
 *       Is an engine listening? Answer: /engine <version> <pid>.
 *
 * Engine → host
 *   /ready <new>
 *       The object exists. new = 1: the engine has just created it, and the host replays the
 *       methods of its latest /keep list to restore its state.
 *   /out <tick> <sample…>
 *       receive~: the block to play in tick <tick>, planar. A block that arrives after its
 *       tick started is dropped by the host.
 *   /ev <name> <arg…>
 *       An event (§12 names and arguments), to output now. Also, for the first outlet of
 *       client and server: `/ev connection 1|0` (client: connected to its server or not) and
 *       `/ev clients <n>` (server: logged-in clients).
 *   /at <tick> <offset> <name> <arg…>
 *       An event to output <offset> samples into tick <tick> (stream messages, stream state).
 *   /lvl <channel> <rms-dB> <peak-dB>
 *       send~ and receive~: the level of one channel over the last ~100 ms of host time
 *       (send~: the captured blocks, receive~: the played ones), dBFS, −100…+12 (what Pd's
 *       [vu] shows); one message per channel, every ~100 ms while the host's DSP runs.
 *   /hb <local-latency-ms> <lost-blocks>
 *       Heartbeat, every 0.5 s. local-latency-ms: D in ms (receive~; 0 for the others).
 *       lost-blocks: send~, captured blocks the engine could not use (missing or late);
 *       receive~, /tick messages that were missing or late (their blocks were still sent);
 *       0 for client and server.
 *   /keep clear   /keep add <selector> <arg…>
 *       The methods that rebuild the object's state (sinks, format, settings; a client's
 *       connection and groups), sent whenever it changes; the host keeps them for a restart
 *       of the engine.
 *   /err <word…>
 *       A message from the patch was refused (nothing changed), or something failed.
 *
 * Link: an object that hears no /ready, /hb or /out for 2 s reports link down, plays
 * silence and sends /open at every heartbeat; the engine removes an object it has not heard
 * from for OBJECT_TIMEOUT seconds.
 *
 * The Pd side: pd-package/aoo-link.pd (connection, heartbeat, link state, /keep, waiting
 * methods), aoo.send~.pd (capture), aoo.receive~.pd (ring, /at queue), aoo.client.pd and
 * aoo.server.pd (outlets).
 */
import { OscReader } from '../protocol/osc/index.ts';

/** A value from a patch: Pd atoms are floats and symbols. */
export type Atom = number | string;

/** An object with audio: a source (send~) or a sink (receive~). */
export type StreamKind = 'send' | 'receive';
/** An object without audio: an AOO client or server. */
export type NetKind = 'client' | 'server';
export type ObjectKind = StreamKind | NetKind;

export interface StreamConfig {
  readonly kind: StreamKind;
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly channels: number;
  readonly port: number;
  readonly id: number;
  /** receive~: the sink latency; undefined = the default. */
  readonly latencyMs: number | undefined;
}

export interface NetConfig {
  readonly kind: NetKind;
  readonly port: number;
}

export type ObjectConfig = StreamConfig | NetConfig;

export type ControlRequest =
  | { readonly kind: 'open'; readonly config: ObjectConfig }
  /** `samples` is positioned at the first sample; read it before the next `parseControl`. */
  | { readonly kind: 'block'; readonly tick: number; readonly samples: OscReader }
  | { readonly kind: 'tick'; readonly tick: number }
  | { readonly kind: 'method'; readonly tick: number; readonly offset: number; readonly selector: string; readonly args: readonly Atom[] }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'probe' }
  | { readonly kind: 'invalid'; readonly reason: string };

export const HEARTBEAT_SECONDS = 0.5;
/** Seconds of silence after which the engine forgets an object. */
export const OBJECT_TIMEOUT = 5;
/** Largest channel count: a block of 64 samples must fit one datagram with room to spare. */
export const MAX_CHANNELS = 128;
export const MAX_BLOCK_SIZE = 2048;

const reader = new OscReader();

function invalid(reason: string): ControlRequest {
  return { kind: 'invalid', reason };
}

/** Reads the remaining arguments as atoms; a string when one has a type a patch cannot send. */
function readAtoms(r: OscReader): Atom[] | string {
  const atoms: Atom[] = [];
  while (r.remaining > 0 && r.error === null) {
    const tag = r.peek();
    if (tag === 'f') atoms.push(r.float());
    else if (tag === 'i') atoms.push(r.int());
    else if (tag === 'd') atoms.push(r.double());
    else if (tag === 's') atoms.push(r.string());
    else return `argument ${atoms.length + 1} has OSC type "${tag}"; send numbers and symbols only`;
  }
  return r.error === null ? atoms : r.error.detail;
}

function readNumber(r: OscReader): number {
  const tag = r.peek();
  return tag === 'i' ? r.int() : tag === 'd' ? r.double() : r.float();
}

function isTick(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n < 2 ** 24;
}

const isWholeIn = (lo: number, hi: number) => (n: number) => Number.isInteger(n) && n >= lo && n <= hi;

function parseOpen(atoms: readonly Atom[]): ControlRequest {
  const [kind, sampleRate, blockSize, channels, port, id, latencyMs] = atoms;
  if (kind === 'client' || kind === 'server') return parseNetOpen(kind, atoms);
  if (kind !== 'send' && kind !== 'receive') return invalid(`/open: kind must be send, receive, client or server (got ${String(kind)})`);
  const checks: [string, Atom | undefined, (n: number) => boolean][] = [
    ['sample rate', sampleRate, isWholeIn(1, 768000)],
    ['block size', blockSize, isWholeIn(1, MAX_BLOCK_SIZE)],
    ['channels', channels, isWholeIn(1, MAX_CHANNELS)],
    ['port', port, isWholeIn(0, 65535)],
    ['id', id, isWholeIn(0, 0x7fffffff)],
  ];
  for (const [name, value, ok] of checks) {
    if (typeof value !== 'number' || !ok(value)) return invalid(`/open: bad ${name} ${String(value)}`);
  }
  if (latencyMs !== undefined && (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= 60000))) {
    return invalid(`/open: bad latency ${String(latencyMs)}`);
  }
  if (atoms.length > 7) return invalid('/open: too many arguments');
  return {
    kind: 'open',
    config: {
      kind,
      sampleRate: sampleRate as number,
      blockSize: blockSize as number,
      channels: channels as number,
      port: port as number,
      id: id as number,
      latencyMs: latencyMs === undefined || latencyMs === 0 ? undefined : latencyMs,
    },
  };
}

function parseNetOpen(kind: NetKind, atoms: readonly Atom[]): ControlRequest {
  const port = atoms[1];
  if (typeof port !== 'number' || !isWholeIn(0, 65535)(port)) return invalid(`/open: bad port ${String(port)}`);
  if (atoms.length > 2) return invalid(`/open ${kind}: too many arguments`);
  return { kind: 'open', config: { kind, port } };
}

/** Decodes one datagram from a host object. Never throws. */
export function parseControl(bytes: Uint8Array): ControlRequest {
  const r = reader;
  const e = r.reset(bytes);
  if (e !== null) return invalid(`not an OSC message (${e.detail})`);
  const address = r.address();
  if (address === '/blk' || address === '/tick') {
    const tick = r.remaining > 0 ? readNumber(r) : NaN;
    if (r.error !== null) return invalid(`${address}: ${r.error.detail}`);
    if (!isTick(tick)) return invalid(`${address}: bad tick ${tick}`);
    if (address === '/tick') return r.remaining === 0 ? { kind: 'tick', tick } : invalid('/tick: too many arguments');
    return { kind: 'block', tick, samples: r };
  }
  const atoms = readAtoms(r);
  if (typeof atoms === 'string') return invalid(`${address}: ${atoms}`);
  switch (address) {
    case '/open':
      return parseOpen(atoms);
    case '/m': {
      const [tick, offset, selector] = atoms;
      if (typeof tick !== 'number' || !isTick(tick) || typeof offset !== 'number' || !(offset >= 0)) return invalid('/m: bad tick or offset');
      if (typeof selector !== 'string') return invalid('/m: no method name');
      return { kind: 'method', tick, offset, selector, args: atoms.slice(3) };
    }
    case '/hb':
      return atoms.length === 0 ? { kind: 'heartbeat' } : invalid('/hb: takes no arguments');
    case '/probe':
      return { kind: 'probe' };
    default:
      return invalid(`unknown message ${address}`);
  }
}

/** Copies the samples of a /blk into `into`; an error text unless there are exactly `into.length` floats. */
export function readBlockSamples(samples: OscReader, into: Float32Array): string | null {
  if (samples.remaining !== into.length) return `/blk: ${samples.remaining} samples (expected ${into.length})`;
  for (let i = 0; i < into.length; i++) into[i] = samples.float();
  return samples.error === null ? null : `/blk: ${samples.error.detail}`;
}
