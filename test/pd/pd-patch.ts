import { fileURLToPath } from 'node:url';

/** The abstractions of the Pd package. */
export const PD_PACKAGE = fileURLToPath(new URL('../../pd-package', import.meta.url));

/** One box's text as Pd saves it: `$` escaped, `,` and `;` as separate escaped atoms. */
function escape(text: string): string {
  return text.replace(/\$/g, '\\$').replace(/;/g, ' \\; ').replace(/,/g, ' \\, ').split(/\s+/).filter(Boolean).join(' ');
}

/** A Pd patch written box by box; boxes are numbered in creation order, as `#X connect` needs. */
export class PdPatch {
  private readonly boxes: string[] = [];
  private readonly connections: string[] = [];

  /** An object box; returns its number. */
  obj(text: string): number {
    return this.add('obj', text);
  }

  /** A message box; returns its number. */
  msg(text: string): number {
    return this.add('msg', text);
  }

  connect(from: number, outlet: number, to: number, inlet = 0): this {
    this.connections.push(`#X connect ${from} ${outlet} ${to} ${inlet};`);
    return this;
  }

  /** Connects boxes in a row, outlet 0 to inlet 0. */
  chain(...boxes: number[]): this {
    for (let i = 1; i < boxes.length; i++) this.connect(boxes[i - 1]!, 0, boxes[i]!);
    return this;
  }

  text(): string {
    return ['#N canvas 0 50 800 600 12;', `#X declare -path ${PD_PACKAGE};`, ...this.boxes, ...this.connections, ''].join('\n');
  }

  private add(kind: 'obj' | 'msg', text: string): number {
    const n = this.boxes.length;
    this.boxes.push(`#X ${kind} ${10 + (n % 10) * 70} ${10 + Math.floor(n / 10) * 30} ${escape(text)};`);
    return n;
  }
}
