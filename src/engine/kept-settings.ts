/**
 * Settings a patch changes by methods (`packetsize 1024`, `latency 50`, …): applied to an
 * options record and remembered as the method call, so the host can replay them to a new
 * engine (`/keep`).
 */
import type { Atom } from './control-protocol.ts';
import { type Method, type MethodResult, parseFlag, parseNumberIn } from './host-object.ts';

/** Applies a method's arguments to the options; an error text when they are bad. */
export interface Setting<O> {
  apply(options: O, args: readonly Atom[]): O | string;
}

function single<O>(apply: (options: O, a: Atom | undefined) => O | string): Setting<O> {
  return { apply: (options, args) => (args.length === 1 ? apply(options, args[0]) : `expects one argument (got ${args.length})`) };
}

export function numberSetting<O>(min: number, max: number, integer: boolean, apply: (options: O, n: number) => O): Setting<O> {
  return single((options, a) => {
    const n = parseNumberIn(a, min, max, integer);
    return typeof n === 'number' ? apply(options, n) : n;
  });
}

/** Milliseconds in the patch, seconds in the options. */
export function msSetting<O>(min: number, max: number, apply: (options: O, seconds: number) => O): Setting<O> {
  return numberSetting(min, max, false, (options, ms) => apply(options, ms / 1000));
}

export function flagSetting<O>(apply: (options: O, on: boolean) => O): Setting<O> {
  return single((options, a) => {
    const on = parseFlag(a);
    return typeof on === 'boolean' ? apply(options, on) : on;
  });
}

export function choiceSetting<O, T extends string>(choices: readonly T[], apply: (options: O, choice: T) => O): Setting<O> {
  return single((options, a) => {
    const choice = choices.find((c) => c === a);
    return choice === undefined ? `expects ${choices.join(' or ')} (got ${String(a)})` : apply(options, choice);
  });
}

export class KeptSettings<O> {
  private readonly calls = new Map<string, readonly Atom[]>();

  constructor(
    private readonly settings: Readonly<Record<string, Setting<O>>>,
    private options: O,
    /** Called with the new options; returns an error text when they cannot be used (nothing changes then). */
    private readonly use: (options: O) => MethodResult,
  ) {}

  get current(): O {
    return this.options;
  }

  /** One method per setting. */
  methods(): Record<string, Method> {
    const methods: Record<string, Method> = {};
    for (const [selector, setting] of Object.entries(this.settings)) {
      methods[selector] = (args) => {
        const next = setting.apply(this.options, args);
        if (typeof next === 'string') return next;
        const error = this.use(next);
        if (error !== undefined) return error;
        this.options = next;
        this.calls.set(selector, args);
        return undefined;
      };
    }
    return methods;
  }

  /** The setting methods called so far, last value of each, in the order first called. */
  keep(): Atom[][] {
    return [...this.calls].map(([selector, args]) => [selector, ...args]);
  }
}
