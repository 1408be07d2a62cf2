/** What the engine's send~ and receive~ objects share: their outputs, context and method plumbing. */
import type { Endpoint, PacketOut } from '../stream/endpoint.ts';
import type { Random } from '../util/random.ts';
import type { Atom, ObjectConfig } from './control-protocol.ts';
import type { EndpointArg } from './endpoint-args.ts';
import { MethodQueue } from './method-queue.ts';

/** Where an object's output goes: its host (events, audio, errors) and the AOO network. */
export interface ObjectOutput {
  /** An event to output now. */
  event(name: string, args: readonly Atom[]): void;
  /** An event to output `offset` samples into host tick `tick`. */
  eventAt(tick: number, offset: number, name: string, args: readonly Atom[]): void;
  /** receive~: the block to play in host tick `tick`. */
  block(tick: number, samples: Float32Array): void;
  error(text: string): void;
  /** The methods returned by `keep()` changed. */
  stateChanged(): void;
  /** A datagram to the AOO network, through the object's UDP port. */
  readonly packet: PacketOut;
}

export interface ObjectContext {
  readonly config: ObjectConfig;
  readonly output: ObjectOutput;
  readonly random: Random;
  /** Host name → IP address; synchronous for IP literals. Rejects when the name is unknown. */
  readonly resolve: (host: string) => string | Promise<string>;
  /** Wall time, seconds on the NTP timescale. */
  readonly now: () => number;
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

/** Runs `then` with the endpoint resolved: at once for an IP address, later for a host name. */
export function withEndpoint(
  ctx: ObjectContext,
  arg: EndpointArg,
  then: (ep: Endpoint) => MethodResult,
): MethodResult | Promise<MethodResult> {
  const endpoint = (address: string): Endpoint => ({ address, port: arg.port, id: arg.id });
  let resolved: string | Promise<string>;
  try {
    resolved = ctx.resolve(arg.host);
  } catch (e) {
    return `cannot resolve host "${arg.host}": ${e instanceof Error ? e.message : String(e)}`;
  }
  if (typeof resolved === 'string') return then(endpoint(resolved));
  return resolved.then(
    (address) => then(endpoint(address)),
    (e: unknown) => `cannot resolve host "${arg.host}": ${e instanceof Error ? e.message : String(e)}`,
  );
}

/** Dispatches methods by name, in order, reporting errors as `<selector>: <reason>`. */
export class MethodDispatcher {
  private readonly queue: MethodQueue;

  constructor(
    private readonly methods: Readonly<Record<string, Method>>,
    private readonly output: ObjectOutput,
  ) {
    this.queue = new MethodQueue((e) => output.error(`internal error: ${e instanceof Error ? e.message : String(e)}`));
  }

  has(selector: string): boolean {
    return Object.hasOwn(this.methods, selector);
  }

  run(selector: string, args: readonly Atom[]): void {
    const method = this.has(selector) ? this.methods[selector] : undefined;
    if (method === undefined) {
      this.output.error(`unknown method "${selector}"`);
      return;
    }
    this.queue.run(() => {
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
