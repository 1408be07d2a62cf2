/** Shows a command's status line on stderr: rewritten in place on a terminal, or as plain lines. */
import { fitToWidth } from './status-line.ts';

/** What the display writes to: process.stderr / process.stdout, or a test double. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * `live`: one line rewritten in place a few times a second (for terminals);
 * `lines`: one plain line per second (for logs and pipes); `off`: nothing.
 */
export type StatusMode = 'live' | 'lines' | 'off';

const INTERVAL_MS: Record<Exclude<StatusMode, 'off'>, number> = { live: 200, lines: 1000 };
const CLEAR_TO_END_OF_LINE = '\x1b[K';

/** `live` on a terminal, `fallback` elsewhere. */
export function statusModeFor(terminal: Output, fallback: 'lines' | 'off'): StatusMode {
  return terminal.isTTY === true ? 'live' : fallback;
}

export class StatusDisplay {
  private render: (() => string) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A live line is on the screen and the cursor is at its end. */
  private shown = false;

  constructor(
    readonly mode: StatusMode,
    private readonly terminal: Output,
  ) {}

  /** Starts showing `render()` periodically. */
  start(render: () => string): void {
    this.render = render;
    if (this.mode === 'off') return;
    this.timer = setInterval(() => this.update(), INTERVAL_MS[this.mode]);
  }

  /** Shows the status now. */
  update(): void {
    if (this.render === undefined || this.mode === 'off') return;
    const text = this.render();
    if (this.mode === 'lines') {
      this.terminal.write(`${text}\n`);
      return;
    }
    this.terminal.write(`\r${fitToWidth(text, this.terminal.columns)}${CLEAR_TO_END_OF_LINE}`);
    this.shown = true;
  }

  /** Writes `text` (whole lines) to `out` without mixing it into the live line on the screen. */
  print(out: Output, text: string): void {
    const onScreen = this.shown && (out === this.terminal || out.isTTY === true);
    if (onScreen) this.terminal.write(`\r${CLEAR_TO_END_OF_LINE}`);
    out.write(text);
    if (onScreen) this.update();
  }

  /** Stops; a live line is shown one last time and the cursor moves to the next line. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) {
      this.update();
      this.terminal.write('\n');
      this.shown = false;
    }
    this.render = undefined;
  }
}
