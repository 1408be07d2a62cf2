/**
 * `[aoo.send~]`'s `codec_set` / `codec_get` (wire spec §12.1): the encoder's local options
 * (Opus: `bitrate <kbit/s | auto | max>`, `complexity 0–10`, `signal auto|music|voice`),
 * remembered so a new Source (format, id or setting change) and a restarted engine get them too.
 */
import type { Source } from '../stream/source.ts';
import type { Atom } from './control-protocol.ts';
import type { MethodResult } from './host-object.ts';

/** The patch gives and reads the bitrate in kbit/s; the encoder takes bits/s. */
function toEncoder(name: string, value: Atom): number | string {
  return name === 'bitrate' && typeof value === 'number' ? value * 1000 : value;
}

function toPatch(name: string, value: number | string): Atom {
  return name === 'bitrate' && typeof value === 'number' ? value / 1000 : value;
}

export class CodecOptions {
  /** The options set, by name, as the patch wrote them, in the order first set. */
  private readonly set = new Map<string, Atom>();

  /** `codec_set <name> <value>` on the current Source. */
  setOn(source: Source, args: readonly Atom[]): MethodResult {
    const [name, value] = args;
    if (typeof name !== 'string' || value === undefined || args.length > 2) return 'expects <option> <value>';
    const error = source.setCodecOption(name, toEncoder(name, value));
    if (error !== null) return error;
    this.set.set(name, value);
    return undefined;
  }

  /** `codec_get <name>`: the value as the `codec_get` event shows it, or an error text. */
  get(source: Source, args: readonly Atom[]): { readonly value: Atom } | string {
    const [name] = args;
    if (typeof name !== 'string' || args.length > 1) return 'expects <option>';
    const value = source.codecOption(name);
    return value === undefined ? `${source.format.codec} has no option '${name}'` : { value: toPatch(name, value) };
  }

  /** Gives a new Source the options set so far; a codec without them (pcm, null) keeps its own. */
  applyTo(source: Source): void {
    for (const [name, value] of this.set) source.setCodecOption(name, toEncoder(name, value));
  }

  /** The `codec_set` calls that rebuild the options (after the `format` line). */
  keep(): Atom[][] {
    return [...this.set].map(([name, value]) => ['codec_set', name, value]);
  }
}
