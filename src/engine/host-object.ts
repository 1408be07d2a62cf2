/** What the engine's objects share: their outputs, context and method plumbing. */
import type { Endpoint, PacketOut, SocketAddress } from '../stream/endpoint.ts';
import type { Random } from '../util/random.ts';
import type { Atom, StreamConfig } from './control-protocol.ts';
import { type EndpointArg, endpointArgText } from './endpoint-args.ts';
import { MethodQueue } from './method-queue.ts';

/** Where every object's output to its host goes: events, errors, state to keep. */
export interface HostOutput {
  /** An event to output now. */
  event(name: string, args: readonly Atom[]): void;
  error(text: string): void;
  /** The methods returned by `keep()` changed. */
  stateChanged(): void;
}

/** A send~'s or receive~'s output: also audio, timed events and the AOO network. */
export interface StreamOutput extends HostOutput {
  /** An event to output `offset` samples into host tick `tick`. */
  eventAt(tick: number, offset: number, name: string, args: readonly Atom[]): void;
  /** receive~: the block to play in host tick `tick`. */
  block(tick: number, samples: Float32Array): void;
  /** The level of one channel for the patch's meters (send~: captured, receive~: played), in dBFS. */
  level(channel: number, rmsDb: number, peakDb: number): void;
  /** A datagram to the AOO network, through the object's UDP port (and the port's client, for relayed peers). */
  readonly packet: PacketOut;
}

/** A peer of the client on an object's port, by name. */
export interface PeerName {
  readonly group: string;
  readonly user: string;
}

/** The peers of the `[aoo.client]` on an object's port (wire spec §12: `<group> <user> <id>` endpoints). */
export interface PeerDirectory {
  /** Where the peer's sources and sinks are, or why that is not known. */
  addressOf(name: PeerName): SocketAddress | string;
  /** The peer talking from `address`; null when the port has no client or the client no such peer. */
  nameAt(address: SocketAddress): PeerName | null;
}

export interface ObjectContext {
  readonly config: StreamConfig;
  readonly output: StreamOutput;
  readonly random: Random;
  /** Host name → IP address; synchronous for IP literals. Rejects when the name is unknown. */
  readonly resolve: (host: string) => string | Promise<string>;
  /** Wall time, seconds on the NTP timescale. */
  readonly now: () => number;
  readonly peers: PeerDirectory;
}

/** What the engine's heartbeat tells the host: local latency (ms) and the blocks lost on the link. */
export interface ObjectStatus {
  readonly latencyMs: number;
  readonly lostBlocks: number;
}

/** A method's outcome: an error text for the patch, or nothing. */
export type MethodResult = string | undefined;
export type Method = (args: readonly Atom[]) => MethodResult | Promise<MethodResult>;

/** Methods of the reference objects that aoo-node does not implement (yet): a clear error, no effect. */
export function unsupported(): MethodResult {
  return 'not supported by aoo-node yet';
}

/**
 * Runs `then` with the endpoint resolved: at once for an IP address or a peer of the port's
 * client, later for a host name.
 */
export function withEndpoint(
  ctx: ObjectContext,
  arg: EndpointArg,
  then: (ep: Endpoint) => MethodResult,
): MethodResult | Promise<MethodResult> {
  if (arg.kind === 'peer') {
    const at = ctx.peers.addressOf(arg);
    return typeof at === 'string' ? `${endpointArgText(arg)}: ${at}` : then({ address: at.address, port: at.port, id: arg.id });
  }
  const endpoint = (r: Resolved): MethodResult => (r.ok ? then({ address: r.address, port: arg.port, id: arg.id }) : r.error);
  const resolved = resolveHost(ctx.resolve, arg.host);
  return resolved instanceof Promise ? resolved.then(endpoint) : endpoint(resolved);
}

export type Resolved = { readonly ok: true; readonly address: string } | { readonly ok: false; readonly error: string };

/** A host name or IP address → an IP address: at once for a literal, later for a name (or why not). */
export function resolveHost(resolve: (host: string) => string | Promise<string>, host: string): Resolved | Promise<Resolved> {
  const failed = (e: unknown): Resolved => ({ ok: false, error: `cannot resolve host "${host}": ${e instanceof Error ? e.message : String(e)}` });
  try {
    const resolved = resolve(host);
    if (typeof resolved === 'string') return { ok: true, address: resolved };
    return resolved.then((address): Resolved => ({ ok: true, address }), failed);
  } catch (e) {
    return failed(e);
  }
}

/** Dispatches methods by name, in order, reporting errors as `<selector>: <reason>`. */
export class MethodDispatcher {
  private readonly queue: MethodQueue;

  constructor(
    private readonly methods: Readonly<Record<string, Method>>,
    private readonly output: HostOutput,
  ) {
    this.queue = new MethodQueue((e) => output.error(`internal error: ${e instanceof Error ? e.message : String(e)}`));
  }

  has(selector: string): boolean {
    return Object.hasOwn(this.methods, selector);
  }

  run(selector: string, args: readonly Atom[]): void {
    const method = this.has(selector) ? this.methods[selector] : undefined;
    this.queue.run(() => {
      if (method === undefined) return this.output.error(`unknown method "${selector}"`);
      const result = method(args);
      if (typeof result === 'string') this.output.error(`${selector}: ${result}`);
      else if (result !== undefined) return result.then((r) => (r === undefined ? undefined : this.output.error(`${selector}: ${r}`)));
    });
  }

  close(): void {
    this.queue.close();
  }
}

/** Reads a 0/1 flag. */
export function parseFlag(a: Atom | undefined): boolean | string {
  return a === 0 || a === 1 ? a === 1 : `expects 0 or 1 (got ${String(a)})`;
}

/** Reads a number in [min, max]. */
export function parseNumberIn(a: Atom | undefined, min: number, max: number, integer = false): number | string {
  if (typeof a !== 'number' || !(a >= min && a <= max) || (integer && !Number.isInteger(a))) {
    return `expects ${integer ? 'a whole number' : 'a number'} ${min}…${max} (got ${String(a)})`;
  }
  return a;
}
