/** What a Link delivered, by tick: to check settings by their effect on the wire. */
import type { AooMessage } from '../../src/protocol/aoo/messages.ts';
import { BS, SR } from './setup.ts';
import { type Link, T0 } from './harness.ts';

export type Kind = AooMessage['kind'];
export type MessageOf<K extends Kind> = Extract<AooMessage, { kind: K }>;

export interface Logged<K extends Kind> {
  /** The Session tick in which the message arrived (links without delay: the tick it was sent). */
  readonly tick: number;
  readonly msg: MessageOf<K>;
}

export class WireLog {
  private readonly all: { tick: number; msg: AooMessage }[] = [];

  constructor(link: Link) {
    link.tap = ({ time, msg }) => this.all.push({ tick: Math.round(((time - T0) * SR) / BS), msg });
  }

  of<K extends Kind>(kind: K, from = 0, to = Infinity): Logged<K>[] {
    return this.all.filter((m): m is Logged<K> => m.msg.kind === kind && m.tick >= from && m.tick < to);
  }

  /** Ticks between consecutive messages of `kind`. */
  spacing(kind: Kind, from = 0, to = Infinity): number[] {
    const ticks = this.of(kind, from, to).map((m) => m.tick);
    return ticks.slice(1).map((t, i) => t - ticks[i]!);
  }
}
