/**
 * Settings a patch changes by methods (`packetsize 1024`, `latency 50`, …): applied to an
 * options record and remembered as the method call, so the host can replay them to a new
 * engine (`/keep`). A setting with a live setter changes the running object (a Source or
 * Sink, type T) in place; a change of the others rebuilds it from the options.
 */
import type { SettingError } from '../stream/setting-checks.ts';
import type { Atom } from './control-protocol.ts';
import { type Method, type MethodResult, parseFlag, parseNumberIn } from './host-object.ts';

/** Sets a value on the running object: null, or an error text (and nothing changed). */
export type LiveSetter<T, V> = (target: T, value: V) => SettingError;

export interface Setting<O, T = unknown> {
  /** Applies a method's arguments to the options; an error text when they are bad. */
  apply(options: O, args: readonly Atom[]): O | string;
  /** Sets the value of arguments `apply` took on the running object. Without it, a change rebuilds the object. */
  readonly live?: (target: T, args: readonly Atom[]) => SettingError;
}

type Parse<V> = (a: Atom | undefined) => { readonly value: V } | string;

/** A setting of one argument, which `parse` reads. */
function single<O, T, V>(parse: Parse<V>, apply: (options: O, value: V) => O, live: LiveSetter<T, V> | undefined): Setting<O, T> {
  /** `use` of the argument's value, or what is wrong with the arguments. */
  const withValue = <R>(args: readonly Atom[], use: (value: V) => R): R | string => {
    const parsed = args.length === 1 ? parse(args[0]) : `expects one argument (got ${args.length})`;
    return typeof parsed === 'string' ? parsed : use(parsed.value);
  };
  return {
    apply: (options, args) => withValue(args, (value) => apply(options, value)),
    ...(live === undefined ? {} : { live: (target: T, args: readonly Atom[]) => withValue(args, (value) => live(target, value)) }),
  };
}

const numberIn =
  (min: number, max: number, integer: boolean): Parse<number> =>
  (a) => {
    const n = parseNumberIn(a, min, max, integer);
    return typeof n === 'number' ? { value: n } : n;
  };

export function numberSetting<O, T = unknown>(min: number, max: number, integer: boolean, apply: (options: O, n: number) => O, live?: LiveSetter<T, number>): Setting<O, T> {
  return single(numberIn(min, max, integer), apply, live);
}

/** Milliseconds in the patch, seconds in the options and the live setter. */
export function msSetting<O, T = unknown>(min: number, max: number, apply: (options: O, seconds: number) => O, live?: LiveSetter<T, number>): Setting<O, T> {
  const seconds: Parse<number> = (a) => {
    const ms = numberIn(min, max, false)(a);
    return typeof ms === 'string' ? ms : { value: ms.value / 1000 };
  };
  return single(seconds, apply, live);
}

export function flagSetting<O, T = unknown>(apply: (options: O, on: boolean) => O, live?: LiveSetter<T, boolean>): Setting<O, T> {
  const flag: Parse<boolean> = (a) => {
    const on = parseFlag(a);
    return typeof on === 'boolean' ? { value: on } : on;
  };
  return single(flag, apply, live);
}

export function choiceSetting<O, C extends string, T = unknown>(choices: readonly C[], apply: (options: O, choice: C) => O, live?: LiveSetter<T, C>): Setting<O, T> {
  const choice: Parse<C> = (a) => {
    const c = choices.find((x) => x === a);
    return c === undefined ? `expects ${choices.join(' or ')} (got ${String(a)})` : { value: c };
  };
  return single(choice, apply, live);
}

/** The running object that live settings change, and how to tell the host its `/keep` list changed. */
export interface LiveTarget<T> {
  readonly current: () => T;
  readonly changed: () => void;
}

export class KeptSettings<O, T = unknown> {
  private readonly calls = new Map<string, readonly Atom[]>();

  constructor(
    private readonly settings: Readonly<Record<string, Setting<O, T>>>,
    private options: O,
    /** Called with the new options of a setting without a live setter; returns an error text when they cannot be used (nothing changes then). */
    private readonly use: (options: O) => MethodResult,
    private readonly target?: LiveTarget<T>,
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
        const error = this.change(setting, args, next);
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

  /** The running object takes the new value live if it can; otherwise it is rebuilt from the options. */
  private change(setting: Setting<O, T>, args: readonly Atom[], next: O): MethodResult {
    const { target } = this;
    if (setting.live === undefined || target === undefined) return this.use(next);
    const error = setting.live(target.current(), args);
    if (error !== null) return error;
    target.changed();
    return undefined;
  }
}
