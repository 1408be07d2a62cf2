/** `aoo-node server` as a child process (possibly inside a network namespace): its JSON log lines on stderr. */
import { CLI } from '../cli.ts';
import { JsonLinesChild } from './json-lines-child.ts';

export interface ServerLogLine {
  readonly time: string;
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export class ServerChild extends JsonLinesChild<ServerLogLine> {
  /** Starts `aoo-node server <args>`, the command line prefixed by `runIn` (e.g. `ip netns exec <ns>`). */
  constructor(args: readonly string[], runIn: readonly string[] = []) {
    super('aoo-node server', [...runIn, process.execPath, CLI, 'server', ...args], 'stderr');
  }

  /** The port it listens on, once it does (within `ms`). */
  async port(ms: number): Promise<number> {
    return Number((await this.waitFor((l) => l.msg === 'listening', '"listening"', ms)).port);
  }
}
