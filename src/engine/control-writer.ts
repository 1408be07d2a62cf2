/** Engine → host messages of the control protocol (see control-protocol.ts), encoded into one reused buffer. */
import { OscWriter } from '../protocol/osc/index.ts';
import type { Atom } from './control-protocol.ts';

/** Largest UDP payload on IPv4. */
const MAX_DATAGRAM = 65507;

function atomTags(atoms: readonly Atom[]): string {
  let tags = '';
  for (const a of atoms) tags += typeof a === 'number' ? 'f' : 's';
  return tags;
}

/**
 * Each method returns a view of the encoded datagram, valid until the next call, or null
 * when it would not fit a datagram.
 */
export class ControlWriter {
  private readonly buffer = new Uint8Array(MAX_DATAGRAM);
  private readonly w = new OscWriter();
  private blockTags = '';

  ready(isNew: boolean): Uint8Array | null {
    return this.message('/ready', [isNew ? 1 : 0]);
  }

  /** `/out <tick> <samples…>`, float32 samples as they are. */
  out(tick: number, samples: Float32Array): Uint8Array | null {
    if (this.blockTags.length !== samples.length + 1) this.blockTags = 'f'.repeat(samples.length + 1);
    const w = this.w.begin(this.buffer, 0, '/out', this.blockTags).float(tick);
    for (let i = 0; i < samples.length; i++) w.float(samples[i]!);
    return this.finish();
  }

  event(name: string, args: readonly Atom[]): Uint8Array | null {
    return this.message('/ev', [name, ...args]);
  }

  eventAt(tick: number, offset: number, name: string, args: readonly Atom[]): Uint8Array | null {
    return this.message('/at', [tick, offset, name, ...args]);
  }

  level(channel: number, rmsDb: number, peakDb: number): Uint8Array | null {
    return this.message('/lvl', [channel, rmsDb, peakDb]);
  }

  heartbeat(localLatencyMs: number, lostBlocks: number): Uint8Array | null {
    return this.message('/hb', [localLatencyMs, lostBlocks]);
  }

  keepClear(): Uint8Array | null {
    return this.message('/keep', ['clear']);
  }

  keep(method: readonly Atom[]): Uint8Array | null {
    return this.message('/keep', ['add', ...method]);
  }

  /** `/err` with the text split into words, so that Pd prints it without escaped spaces (and commas and semicolons, which it would escape). */
  error(text: string): Uint8Array | null {
    return this.message('/err', text.replace(/[,;]/g, '').split(/\s+/).filter((w) => w.length > 0));
  }

  engine(version: string, pid: number): Uint8Array | null {
    return this.message('/engine', [version, pid]);
  }

  private message(address: string, atoms: readonly Atom[]): Uint8Array | null {
    const w = this.w.begin(this.buffer, 0, address, atomTags(atoms));
    for (const a of atoms) {
      if (typeof a === 'number') w.float(a);
      else w.string(a);
    }
    return this.finish();
  }

  private finish(): Uint8Array | null {
    const n = this.w.end();
    return typeof n === 'number' ? this.buffer.subarray(0, n) : null;
  }
}
